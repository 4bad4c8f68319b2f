// One of the customer's tickets: the public conversation, a reply box, solve/reopen.
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { MessageBody } from "@/components/MessageBody";
import { StatusBadge } from "@/components/StatusBadge";
import { TextArea } from "@/components/TextArea";
import { formatDateTime } from "@/lib/format";

import { useReply, useSetStatus, useTicket } from "../api/tickets";

export function TicketConversation() {
  const ticketId = Number(useParams().ticketId);
  const ticket = useTicket(ticketId);
  const reply = useReply(ticketId);
  const setStatus = useSetStatus(ticketId);
  const [body, setBody] = useState("");

  if (!Number.isInteger(ticketId)) return <EmptyState title="No such request" />;
  if (ticket.isPending) return <Loading label="Loading the conversation…" />;
  if (ticket.isError) return <ErrorMessage error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const t = ticket.data;
  const done = t.status_category === "solved" || t.status_category === "closed";

  function send(event: FormEvent) {
    event.preventDefault();
    reply.mutate(body, { onSuccess: () => setBody("") });
  }

  return (
    <div className="stack narrow">
      <p>
        <Link to="/portal">← My requests</Link>
      </p>
      <div className="page-head">
        <h1>{t.subject}</h1>
        <StatusBadge category={t.status_category} />
      </div>
      <p className="muted">
        {t.display_number} · opened {formatDateTime(t.created_at)}
      </p>
      <ol className="conversation" aria-label="Conversation">
        {t.messages.map((m) => (
          <li key={m.id} className="message">
            <div className="message__meta">
              <strong>{m.author?.name || m.author?.email || "Support"}</strong>
              <span className="muted">{formatDateTime(m.created_at)}</span>
            </div>
            <MessageBody text={m.body_text} />
          </li>
        ))}
      </ol>
      {t.status_category === "closed" ? (
        <p className="muted">This request is closed. Send a new request if you need more help.</p>
      ) : (
        <form onSubmit={send} className="card" aria-label="Reply">
          <TextArea id="reply" label="Your reply" required value={body} onChange={(e) => setBody(e.target.value)} />
          {reply.isError ? <ErrorMessage error={reply.error} /> : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={reply.isPending}>
              {reply.isPending ? "Sending…" : "Send reply"}
            </button>
            <button
              type="button"
              disabled={setStatus.isPending}
              onClick={() => setStatus.mutate(done ? "open" : "solved")}
            >
              {done ? "Reopen request" : "Mark as solved"}
            </button>
          </div>
          {setStatus.isError ? <ErrorMessage error={setStatus.error} /> : null}
        </form>
      )}
    </div>
  );
}
