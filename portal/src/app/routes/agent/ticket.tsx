// A ticket in the workspace, with the live parts above its composer: who else is looking, and the
// customer's rating once it is solved.
import { CsatResult } from "@/features/csat/components/CsatResult";
import { TicketWorkspace } from "@/features/inbox/components/TicketWorkspace";
import { CollisionNotice } from "@/features/live/components/CollisionNotice";

export function TicketWorkspaceRoute() {
  return (
    <TicketWorkspace
      renderLive={(t) => (
        <>
          <CollisionNotice ticketId={t.id} />
          <CsatResult ticketId={t.id} solved={t.status_category === "solved" || t.status_category === "closed"} />
        </>
      )}
    />
  );
}
