// The ticket view's history (every field change, who and how) and its links and merges.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";
import type { AgentTicketDetail } from "@/lib/ticket";

import { useHistory, useLinkTicket, useMergeTicket, useUnlinkTicket, type Change, type TicketPick } from "../api/related";
import { TicketPicker } from "./TicketPicker";

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

const KIND_LABELS: Record<string, { outgoing: string; incoming: string }> = {
  related: { outgoing: "Related to", incoming: "Related to" },
  duplicate_of: { outgoing: "Duplicate of", incoming: "Has duplicate" },
  parent_of: { outgoing: "Parent of", incoming: "Child of" },
};

type LinkKind = "related" | "duplicate_of" | "parent_of";

/** The number of the ticket this one was merged into (a merge always leaves a duplicate-of link). */
export function mergedIntoNumber(ticket: AgentTicketDetail): number | null {
  const link = ticket.links.find(
    (l) => l.kind === "duplicate_of" && l.source_id === ticket.id && l.target_id === ticket.merged_into_id,
  );
  return link ? link.target_number : null;
}

export function LinksPanel({ ticket }: { ticket: AgentTicketDetail }) {
  const link = useLinkTicket(ticket.id);
  const unlink = useUnlinkTicket(ticket.id);
  const merge = useMergeTicket(ticket.id);
  const navigate = useNavigate();
  const [target, setTarget] = useState<TicketPick | null>(null);
  const [kind, setKind] = useState<LinkKind>("related");
  const mergedInto = mergedIntoNumber(ticket);

  function addLink(event: FormEvent) {
    event.preventDefault();
    if (target) link.mutate({ target_id: target.id, kind }, { onSuccess: () => setTarget(null) });
  }

  function mergeInto() {
    if (!target) return;
    const question = `Merge ${ticket.display_number} into #${target.number} (${target.subject})? Its messages move there and this ticket closes. This cannot be undone.`;
    if (window.confirm(question)) {
      merge.mutate(target.id, { onSuccess: () => navigate(`/agent/tickets/${target.id}`) });
    }
  }

  return (
    <section className="card panel" aria-labelledby="links-title">
      <h2 id="links-title">Linked tickets</h2>
      {ticket.merged_into_id ? (
        <p data-testid="merged-into">
          Merged into{" "}
          <Link to={`/agent/tickets/${ticket.merged_into_id}`}>{mergedInto ? `#${mergedInto}` : "another ticket"}</Link>.
        </p>
      ) : null}
      {ticket.links.length === 0 ? (
        <p className="muted">No links.</p>
      ) : (
        <ul className="plain-list" aria-label="Links">
          {ticket.links.map((l) => {
            const outgoing = l.source_id === ticket.id;
            const otherId = outgoing ? l.target_id : l.source_id;
            const otherNumber = outgoing ? l.target_number : l.source_number;
            const labels = KIND_LABELS[l.kind];
            return (
              <li key={l.id}>
                {labels ? (outgoing ? labels.outgoing : labels.incoming) : l.kind}{" "}
                <Link to={`/agent/tickets/${otherId}`}>#{otherNumber}</Link>{" "}
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove link to #${otherNumber}`}
                  disabled={unlink.isPending}
                  onClick={() => unlink.mutate(l.id)}
                >
                  remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={addLink} className="inline-form links-form" aria-label="Link or merge a ticket">
        <TicketPicker label="Other ticket" excludeId={ticket.id} picked={target} onPick={setTarget} />
        <label htmlFor="link-kind" className="visually-hidden">
          Link kind
        </label>
        <select id="link-kind" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
          <option value="related">related</option>
          <option value="duplicate_of">duplicate of</option>
          <option value="parent_of">parent of</option>
        </select>
        <button type="submit" disabled={!target || link.isPending}>
          {link.isPending ? "Linking…" : "Link"}
        </button>
        <button
          type="button"
          disabled={!target || merge.isPending || ticket.merged_into_id !== null || ticket.status_category === "closed"}
          onClick={mergeInto}
        >
          {merge.isPending ? "Merging…" : "Merge into"}
        </button>
      </form>
      {[link, unlink, merge].map((m, i) => (m.isError ? <ErrorMessage key={i} error={m.error} /> : null))}
    </section>
  );
}
