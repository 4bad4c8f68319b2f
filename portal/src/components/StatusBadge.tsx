// A ticket's status as a coloured badge (colour plus text, never colour alone).
import { statusLabel } from "@/lib/format";

export function StatusBadge({ category, label }: { category: string; label?: string }) {
  return <span className={`badge badge--${category}`}>{label ?? statusLabel(category)}</span>;
}
