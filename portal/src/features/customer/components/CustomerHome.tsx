// The customer portal's start page.
import { EmptyState } from "@/components/EmptyState";
import type { Me } from "@/lib/session";

export function CustomerHome({ me, tenantName }: { me: Me; tenantName: string }) {
  return (
    <div className="stack">
      <h1>Hello, {me.full_name || me.email}</h1>
      <p className="muted">This is the {tenantName} support portal.</p>
      <EmptyState title="Your requests">
        <p>
          Submitting and following support requests opens here once this installation has the ticketing
          service.
        </p>
      </EmptyState>
    </div>
  );
}
