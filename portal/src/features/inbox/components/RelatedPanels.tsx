// The ticket view's history (every field change, who and how) and its links and merges.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";

import { useHistory, useLinkTicket, useMergeTicket, useUnlinkTicket, type Change } from "../api/panels";
import type { AgentTicketDetail } from "../api/ticket";

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function changeText(change: Change): string {
  return `${change.field.replace(/_/g, " ")}: ${show(change.old)} → ${show(change.new)}`;
}

export function HistoryPanel({ ticketId }: { ticketId: number }) {
  const [open, setOpen] = useState(false);
  const history = useHistory(ticketId, open);
  return (
    <section className="card panel" aria-labelledby="history-title">
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <h2 id="history-title" className="inline-heading">
            History
          </h2>
        </summary>
        {!open ? null : history.isPending ? (
          <Loading label="Loading history…" />
        ) : history.isError ? (
          <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
        ) : history.data.length === 0 ? (
          <p className="muted">No changes yet.</p>
        ) : (
          <ol className="history" aria-label="Changes">
            {history.data.map((c) => (
              <li key={c.id}>
                <span>{changeText(c)}</span>
                <div className="muted small">
                  {c.actor?.name ?? "System"} · {c.via} · {formatDateTime(c.created_at)}
                </div>
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}

const KIND_LABELS: Record<string, string> = {
  related: "Related to",
  duplicate_of: "Duplicate of",
  parent_of: "Parent of",
};

export function LinksPanel({ ticket }: { ticket: AgentTicketDetail }) {
  const link = useLinkTicket(ticket.id);
  const unlink = useUnlinkTicket(ticket.id);
  const merge = useMergeTicket(ticket.id);
  const [target, setTarget] = useState("");
  const [kind, setKind] = useState<"related" | "duplicate_of" | "parent_of">("related");
  const targetId = Number(target);
  const valid = Number.isInteger(targetId) && targetId > 0 && targetId !== ticket.id;

  function addLink(event: FormEvent) {
    event.preventDefault();
    if (valid) link.mutate({ target_id: targetId, kind }, { onSuccess: () => setTarget("") });
  }

  function mergeInto() {
    if (valid && window.confirm(`Merge ${ticket.display_number} into ticket ${targetId}? This cannot be undone.`)) {
      merge.mutate(targetId);
    }
  }

  return (
    <section className="card panel" aria-labelledby="links-title">
      <h2 id="links-title">Linked tickets</h2>
      {ticket.merged_into_id ? (
        <p>
          Merged into <Link to={`/agent/tickets/${ticket.merged_into_id}`}>ticket {ticket.merged_into_id}</Link>.
        </p>
      ) : null}
      {ticket.links.length === 0 ? (
        <p className="muted">No links.</p>
      ) : (
        <ul className="plain-list">
          {ticket.links.map((l) => {
            const outgoing = l.source_id === ticket.id;
            const otherId = outgoing ? l.target_id : l.source_id;
            const otherNumber = outgoing ? l.target_number : l.source_number;
            return (
              <li key={l.id}>
                {outgoing ? (KIND_LABELS[l.kind] ?? l.kind) : `${KIND_LABELS[l.kind] ?? l.kind} (from)`}{" "}
                <Link to={`/agent/tickets/${otherId}`}>#{otherNumber}</Link>{" "}
                <button type="button" className="link" aria-label={`Remove link to #${otherNumber}`} onClick={() => unlink.mutate(l.id)}>
                  remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={addLink} className="inline-form" aria-label="Link a ticket">
        <label htmlFor="link-target">Ticket id</label>
        <input id="link-target" inputMode="numeric" value={target} onChange={(e) => setTarget(e.target.value.trim())} />
        <label htmlFor="link-kind" className="visually-hidden">
          Link kind
        </label>
        <select id="link-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="related">related</option>
          <option value="duplicate_of">duplicate of</option>
          <option value="parent_of">parent of</option>
        </select>
        <button type="submit" disabled={!valid || link.isPending}>
          Link
        </button>
        <button type="button" disabled={!valid || merge.isPending || ticket.merged_into_id !== null} onClick={mergeInto}>
          Merge into
        </button>
      </form>
      {[link, unlink, merge].map((m, i) => (m.isError ? <ErrorMessage key={i} error={m.error} /> : null))}
    </section>
  );
}
