// The agent workspace's start page.
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import type { Me } from "@/lib/session";

export function WorkspaceHome({ me }: { me: Me }) {
  return (
    <div className="stack">
      <h1>Welcome, {me.full_name || me.email}</h1>
      <p className="muted">
        You are signed in as <strong>{me.role}</strong>.
      </p>
      <EmptyState title="Your inbox">
        <p>
          The ticket inbox appears here once this installation has the ticketing service. Until then,
          see <Link to="/agent/teams">your teams</Link> or manage the workspace in{" "}
          <a href="/admin/">the admin</a>.
        </p>
      </EmptyState>
    </div>
  );
}
