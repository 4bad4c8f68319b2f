// One of the customer's tickets: the public conversation, a reply box, solve/reopen.
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useParams } from "react-router";

import { AttachmentList } from "@/components/AttachmentList";
import { AttachmentPicker, useAttachmentDraft } from "@/components/AttachmentPicker";
import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { MessageBody } from "@/components/MessageBody";
import { StatusBadge } from "@/components/StatusBadge";
import { TextArea } from "@/components/TextArea";
import { formatDateTime } from "@/lib/format";

import { useReply, useSetStatus, useTicket } from "../api/tickets";

type TicketConversationProps = {
  /** Shown under the conversation once the request is solved (the app puts the rating here). */
  renderSolved?: (ticketId: number) => ReactNode;
};

export function TicketConversation({ renderSolved }: TicketConversationProps) {
  const ticketId = Number(useParams().ticketId);
  const ticket = useTicket(ticketId);
  const reply = useReply(ticketId);
  const setStatus = useSetStatus(ticketId);
  const [body, setBody] = useState("");
  const files = useAttachmentDraft();

  if (!Number.isInteger(ticketId)) return <EmptyState title="No such request" />;
  if (ticket.isPending) return <Loading label="Loading the conversation…" />;
  if (ticket.isError) return <ErrorMessage error={ticket.error} onRetry={() => void ticket.refetch()} />;
  const t = ticket.data;
  const done = t.status_category === "solved" || t.status_category === "closed";

  async function send(event: FormEvent) {
    event.preventDefault();
    const attachmentIds = await files.uploadForMessage(ticketId);
    if (attachmentIds === null) return;
    reply.mutate(
      { body_text: body, attachment_ids: attachmentIds },
      {
        onSuccess: () => {
          setBody("");
          files.clear();
        },
      },
    );
  }
  const { uploading, uploadError } = files;
  const busy = reply.isPending || uploading;

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
            <MessageBody html={m.body_html} />
            <AttachmentList attachments={m.attachments} />
          </li>
        ))}
      </ol>
      {done && renderSolved ? renderSolved(t.id) : null}
      {t.status_category === "closed" ? (
        <p className="muted">This request is closed. Send a new request if you need more help.</p>
      ) : (
        <form onSubmit={(e) => void send(e)} className="card" aria-label="Reply">
          <TextArea
            id="reply"
            label="Your reply"
            required={!files.drafts.length}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
          <AttachmentPicker draft={files} disabled={busy} />
          {reply.isError ? <ErrorMessage error={reply.error} /> : null}
          {uploadError ? <ErrorMessage error={uploadError} /> : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {uploading ? "Uploading files…" : reply.isPending ? "Sending…" : "Send reply"}
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
