// The ticket view's SLA clock.

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime, remainingText } from "@/lib/format";

import { useSla } from "../api/sla";
import { METRIC_LABELS, stateLabel } from "./slaText";

export function SlaPanel({ ticketId }: { ticketId: number }) {
  const sla = useSla(ticketId);
  return (
    <section className="card panel" aria-labelledby="sla-title">
      <h2 id="sla-title">SLA</h2>
      {sla.isPending ? (
        <Loading label="Loading SLA…" />
      ) : sla.isError ? (
        <ErrorMessage error={sla.error} onRetry={() => void sla.refetch()} />
      ) : sla.data.length === 0 ? (
        <p className="muted">No SLA policy applies to this ticket.</p>
      ) : (
        <>
          <p className="muted">Policy: {sla.data[0]?.policy_name ?? "removed policy"}</p>
          <ul className="sla-clocks">
            {sla.data.map((clock) => (
              <li key={clock.metric} className={`sla-clock sla-clock--${clock.state}`} data-state={clock.state}>
                <strong>{METRIC_LABELS[clock.metric] ?? clock.metric}</strong>{" "}
                <span className="badge">{stateLabel(clock.state)}</span>
                <div className="muted">
                  Target {clock.target_minutes} min{clock.business_hours ? " (business hours)" : ""}
                </div>
                {clock.state === "achieved" || clock.state === "achieved_late" ? (
                  <div>Met {clock.achieved_at ? formatDateTime(clock.achieved_at) : ""}</div>
                ) : (
                  <div>
                    {remainingText(clock.remaining_minutes)}
                    {clock.due_at ? <span className="muted"> · due {formatDateTime(clock.due_at)}</span> : null}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
