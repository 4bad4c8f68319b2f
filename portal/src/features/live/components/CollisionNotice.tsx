// Collision detection on an agent's ticket view: who else has it open, and who is replying now.
import type { Viewer } from "@/lib/realtime/client";
import { useRealtimeStatus, useTicketPresence } from "@/lib/realtime/RealtimeProvider";
import { useMe } from "@/lib/session";

export function listNames(people: Viewer[]): string {
  const names = people.map((p) => p.name || "Another agent");
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The other agents in `viewers` (the gateway includes the viewer themself). */
export function otherViewers(viewers: Viewer[], myMembershipId: number | null | undefined): Viewer[] {
  return viewers.filter((v) => v.membership_id !== myMembershipId);
}

export function CollisionNotice({ ticketId }: { ticketId: number }) {
  const me = useMe().data;
  const others = otherViewers(useTicketPresence(ticketId), me?.membership_id);
  const status = useRealtimeStatus();
  const typing = others.filter((v) => v.typing);
  return (
    <div className="collision" role="status" aria-live="polite" data-testid="collision">
      {typing.length ? (
        <p className="collision__typing">
          <strong>
            {listNames(typing)} {typing.length > 1 ? "are" : "is"} replying
          </strong>
        </p>
      ) : null}
      {others.length ? <p className="muted">Also viewing: {listNames(others)}</p> : null}
      {status === "reconnecting" ? <p className="muted">Live updates paused; reconnecting…</p> : null}
    </div>
  );
}
