// A friendly "nothing here yet" block: says what is missing and what to do next.
import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      {children ? <div className="empty-state__body">{children}</div> : null}
    </section>
  );
}
