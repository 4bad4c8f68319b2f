// Collision detection on an agent's ticket view: who else has it open, and who is replying now.
import { useTranslation } from "react-i18next";

import { i18n } from "@/lib/i18n";
import type { Viewer } from "@/lib/realtime/client";
import { useRealtimeStatus, useTicketPresence } from "@/lib/realtime/RealtimeProvider";
import { useMe } from "@/lib/session";

export function listNames(people: Viewer[]): string {
  const names = people.map((p) => p.name || i18n.t("live.anotherAgent"));
  if (names.length <= 1) return names.join("");
  return i18n.t("live.listAnd", { first: names.slice(0, -1).join(", "), last: names[names.length - 1] });
}

/** The other agents in `viewers` (the gateway includes the viewer themself). */
export function otherViewers(viewers: Viewer[], myMembershipId: number | null | undefined): Viewer[] {
  return viewers.filter((v) => v.membership_id !== myMembershipId);
}

export function CollisionNotice({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation();
  const me = useMe().data;
  const others = otherViewers(useTicketPresence(ticketId), me?.membership_id);
  const status = useRealtimeStatus();
  const typing = others.filter((v) => v.typing);
  return (
    <div className="collision" role="status" aria-live="polite" data-testid="collision">
      {typing.length ? (
        <p className="collision__typing">
          <strong>{t("live.replying", { count: typing.length, names: listNames(typing) })}</strong>
        </p>
      ) : null}
      {others.length ? <p className="muted">{t("live.alsoViewing", { names: listNames(others) })}</p> : null}
      {status === "reconnecting" ? <p className="muted">{t("live.reconnecting")}</p> : null}
    </div>
  );
}
