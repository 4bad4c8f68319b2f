// A ticket in the workspace: the conversation (public replies and internal notes told apart),
// a reply/note composer with macros (r / n focus it), the ticket's properties and custom fields,
// SLA clock, AI suggestions, links/merges and history; live: collision notice and typing signal.
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";

import { AttachmentList } from "@/components/AttachmentList";
import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { MessageBody } from "@/components/MessageBody";
import { formatDateTime } from "@/lib/format";
import { PRIORITIES, type AgentTicketDetail } from "@/lib/ticket";
import { DraftArticleButton } from "@/features/kb";
import { SlaPanel } from "@/features/sla";
import { AiPanel } from "@/features/triage";

import { useAgentTicket, useAssignableStaff, useStatuses, useUpdateTicket } from "../api/ticket";
import { useTeams } from "../api/inbox";
import { Composer } from "./Composer";
import { CustomFieldsPanel } from "./CustomFieldsPanel";
import { HistoryPanel, LinksPanel } from "./RelatedPanels";

function TagsEditor({ ticket }: { ticket: AgentTicketDetail }) {
  const update = useUpdateTicket(ticket.id);
  const [tags, setTags] = useState(ticket.tags.join(", "));
  const tagList = [...new Set(tags.split(/[,\s]+/).map((t) => t.trim().toLowerCase()).filter(Boolean))];
  const tagsChanged = [...tagList].sort().join(",") !== [...ticket.tags].sort().join(",");
  return (
    <form
      className="field"
      aria-label="Tags"
      onSubmit={(e) => {
        e.preventDefault();
        if (tagsChanged) update.mutate({ tags: tagList });
      }}
    >
      <label htmlFor="prop-tags">Tags (comma separated)</label>
      <input id="prop-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      {tagsChanged ? (
        <button type="submit" disabled={update.isPending}>
          Save tags
        </button>
      ) : null}
      {update.isError ? <ErrorMessage error={update.error} /> : null}
    </form>
  );
}

function Properties({ ticket }: { ticket: AgentTicketDetail }) {
  const update = useUpdateTicket(ticket.id);
  const statuses = useStatuses();
  const staff = useAssignableStaff();
  const teams = useTeams();

  return (
    <aside className="card properties" aria-label="Ticket properties">
      <div className="field">
        <label htmlFor="prop-status">Status</label>
        <select
          id="prop-status"
          value={ticket.status}
          disabled={update.isPending || !statuses.data}
          onChange={(e) => update.mutate({ status: e.target.value })}
        >
          {(statuses.data ?? [{ key: ticket.status, name: ticket.status, category: "", custom: false }]).map((s) => (
            <option key={s.key} value={s.key}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="prop-priority">Priority</label>
        <select
          id="prop-priority"
          value={ticket.priority}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ priority: e.target.value })}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="prop-assignee">Assignee</label>
        <select
          id="prop-assignee"
          value={ticket.assignee?.id ?? ""}
          disabled={update.isPending || !staff.data}
          onChange={(e) => update.mutate({ assignee_id: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">Unassigned</option>
          {(staff.data ?? []).map((m) => (
            <option key={m.id} value={m.id}>
              {m.full_name || m.email}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="prop-team">Team</label>
        <select
          id="prop-team"
          value={ticket.team_id ?? ""}
          disabled={update.isPending || !teams.data}
          onChange={(e) => update.mutate({ team_id: e.target.value ? Number(e.target.value) : null })}
        >
          <option value="">No team</option>
          {(teams.data ?? []).map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </div>
      <TagsEditor key={ticket.tags.join(",")} ticket={ticket} />
      {update.isError ? <ErrorMessage error={update.error} /> : null}
      <DraftArticleButton ticketId={ticket.id} statusCategory={ticket.status_category} />
      <dl className="facts">
        <dt>Requester</dt>
        <dd>
          {ticket.requester.name} <span className="muted">{ticket.requester.email}</span>
        </dd>
        <dt>Opened</dt>
        <dd>{formatDateTime(ticket.created_at)}</dd>
        <dt>Channel</dt>
        <dd>{ticket.channel}</dd>
      </dl>
    </aside>
  );
}

type TicketWorkspaceProps = {
  /** Shown above the composer: the app puts collision detection and the rating here. */
  renderLive?: (ticket: AgentTicketDetail) => ReactNode;
};

export function TicketWorkspace({ renderLive }: TicketWorkspaceProps) {
  const ticketId = Number(useParams().ticketId);
  const ticket = useAgentTicket(ticketId);

  if (!Number.isInteger(ticketId)) return <EmptyState title="No such ticket" />;
  if (ticket.isPending) return <Loading label="Loading the ticket…" />;
  if (ticket.isError) return <ErrorMessage error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const t = ticket.data;

  return (
    <div className="stack">
      <p>
        <Link to="/agent/inbox">← Inbox</Link>
      </p>
      <h1>
        {t.subject} <span className="muted">{t.display_number}</span>
      </h1>
      <div className="ticket-layout">
        <div className="stack">
          <ol className="conversation" aria-label="Conversation">
            {t.messages.map((m) => (
              <li
                key={m.id}
                className={m.is_internal ? "message message--note" : "message"}
                data-kind={m.is_internal ? "note" : "reply"}
              >
                <div className="message__meta">
                  <strong>{m.author?.name ?? "System"}</strong>
                  {m.is_internal ? <span className="badge badge--note">Internal note</span> : null}
                  <span className="muted">{formatDateTime(m.created_at)}</span>
                </div>
                <MessageBody html={m.body_html} />
                <AttachmentList attachments={m.attachments} />
              </li>
            ))}
          </ol>
          {renderLive ? renderLive(t) : null}
          <Composer ticketId={t.id} />
        </div>
        <div className="stack side">
          <Properties ticket={t} />
          <CustomFieldsPanel ticket={t} />
          <SlaPanel ticketId={t.id} />
          <AiPanel ticket={t} />
          <LinksPanel ticket={t} />
          <HistoryPanel ticketId={t.id} />
        </div>
      </div>
    </div>
  );
}
