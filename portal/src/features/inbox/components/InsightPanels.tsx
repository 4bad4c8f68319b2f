// The ticket view's SLA clock and AI suggestions (predictions with confidence, similar tickets,
// suggested articles; accept or correct through the ticket update API).
import { useState, type ReactNode } from "react";
import { Link } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";

import { useSimilarTickets, useSla, useSuggestedArticles } from "../api/panels";
import { PRIORITIES, useUpdateTicket, type AgentTicketDetail } from "../api/ticket";
import { METRIC_LABELS, confidenceText, remainingText, stateLabel } from "./slaText";

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

function Prediction({ label, value, confidence, children }: {
  label: string;
  value: string;
  confidence: number | null | undefined;
  children?: ReactNode;
}) {
  return (
    <div className="prediction">
      <dt>{label}</dt>
      <dd>
        {value ? (
          <>
            {value} <span className="muted">({confidenceText(confidence)})</span>
          </>
        ) : (
          <span className="muted">no prediction</span>
        )}
        {children}
      </dd>
    </div>
  );
}

export function AiPanel({ ticket }: { ticket: AgentTicketDetail }) {
  const ai = ticket.ai;
  const update = useUpdateTicket(ticket.id);
  const [category, setCategory] = useState("");
  const similar = useSimilarTickets(ticket.id, ticket.subject);
  const firstMessage = ticket.messages[0]?.body_text ?? "";
  const articles = useSuggestedArticles(`${ticket.subject}\n${firstMessage}`.slice(0, 1500));
  const priorityDiffers = ai.priority !== "" && ai.priority !== ticket.priority;
  const categoryDiffers = ai.category !== "" && ai.category !== ticket.category;

  return (
    <section className="card panel" aria-labelledby="ai-title">
      <h2 id="ai-title">AI suggestions</h2>
      <dl className="facts predictions">
        <Prediction label="Category" value={ai.category} confidence={ai.category_confidence}>
          {categoryDiffers ? (
            <button type="button" className="link" disabled={update.isPending} onClick={() => update.mutate({ category: ai.category })}>
              Accept
            </button>
          ) : ai.category ? (
            <span className="muted"> · in use</span>
          ) : null}
        </Prediction>
        <Prediction label="Priority" value={ai.priority} confidence={ai.priority_confidence}>
          {priorityDiffers ? (
            <button type="button" className="link" disabled={update.isPending} onClick={() => update.mutate({ priority: ai.priority })}>
              Accept
            </button>
          ) : ai.priority ? (
            <span className="muted"> · in use</span>
          ) : null}
        </Prediction>
        <Prediction label="Sentiment" value={ai.sentiment} confidence={ai.sentiment_confidence} />
        <Prediction label="Language" value={ai.language} confidence={ai.language_confidence} />
      </dl>
      <form
        className="inline-form"
        aria-label="Correct the category"
        onSubmit={(e) => {
          e.preventDefault();
          if (category.trim()) update.mutate({ category: category.trim() }, { onSuccess: () => setCategory("") });
        }}
      >
        <label htmlFor="ai-category">Correct category</label>
        <input id="ai-category" value={category} maxLength={100} placeholder={ticket.category || "category"} onChange={(e) => setCategory(e.target.value)} />
        <button type="submit" disabled={update.isPending || !category.trim()}>
          Set
        </button>
      </form>
      <p className="muted small">
        Priority corrections: use the Priority field ({PRIORITIES.join(", ")}).
        {ai.model_version ? ` Model ${ai.model_version}.` : " Not classified yet."}
      </p>
      {update.isError ? <ErrorMessage error={update.error} /> : null}
      <h3>Similar tickets</h3>
      {similar.isPending && similar.fetchStatus !== "idle" ? (
        <Loading label="Looking for similar tickets…" />
      ) : similar.isError ? (
        <ErrorMessage error={similar.error} onRetry={() => void similar.refetch()} />
      ) : !similar.data?.length ? (
        <p className="muted">None found.</p>
      ) : (
        <ul className="plain-list">
          {similar.data.map((hit) => (
            <li key={hit.ticket.id}>
              <Link to={`/agent/tickets/${hit.ticket.id}`}>{hit.ticket.subject}</Link>{" "}
              <span className="muted">
                {hit.ticket.display_number} · {hit.ticket.status}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>Suggested articles</h3>
      {articles.isPending && articles.fetchStatus !== "idle" ? (
        <Loading label="Looking for articles…" />
      ) : articles.isError ? (
        <ErrorMessage error={articles.error} onRetry={() => void articles.refetch()} />
      ) : !articles.data?.length ? (
        <p className="muted">No matching articles.</p>
      ) : (
        <ul className="plain-list">
          {articles.data.map((a) => (
            <li key={a.id}>
              <a href={`/help/articles/${a.slug}`} target="_blank" rel="noreferrer">
                {a.title}
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
