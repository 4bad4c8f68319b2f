// The ticket view's AI suggestions: category and priority predictions with confidence, which the
// agent accepts, corrects or rejects through the explicit feedback API (each decision is recorded
// for the accuracy report and as a training label); sentiment, language, similar tickets and
// suggested articles.
import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { PRIORITIES, type AgentTicketDetail } from "@/lib/ticket";

import {
  confidenceText,
  outcomeText,
  useAiFeedback,
  useTicketAi,
  type AiFeedback,
  type AiField,
  type Prediction,
} from "../api/ai";
import { useSimilarTickets, useSuggestedArticles } from "../api/suggestions";

const FIELD_LABELS: Record<AiField, string> = { category: "Category", priority: "Priority" };

function PredictionRow({
  field,
  prediction,
  current,
  busy,
  onFeedback,
}: {
  field: AiField;
  prediction: Prediction;
  current: string;
  busy: boolean;
  onFeedback: (feedback: AiFeedback) => void;
}) {
  const [value, setValue] = useState("");
  const label = FIELD_LABELS[field];

  function correct(event: FormEvent) {
    event.preventDefault();
    if (value.trim()) onFeedback({ field, action: "correct", value: value.trim() });
  }

  return (
    <div className="prediction" data-field={field}>
      <dt>{label}</dt>
      <dd>
        <span>
          {prediction.label} <span className="muted">({confidenceText(prediction.confidence)})</span>
        </span>{" "}
        <span className="badge" data-testid={`ai-${field}-outcome`}>
          {outcomeText(prediction)}
        </span>
        {current !== prediction.label ? <div className="muted small">On the ticket: {current || "none"}</div> : null}
        <div className="actions">
          {prediction.outcome !== "accepted" ? (
            <button type="button" disabled={busy} aria-label={`Accept ${label.toLowerCase()} ${prediction.label}`} onClick={() => onFeedback({ field, action: "accept" })}>
              Accept
            </button>
          ) : null}
          {prediction.outcome === "pending" || prediction.outcome === "accepted" ? (
            <button type="button" disabled={busy} aria-label={`Reject ${label.toLowerCase()} ${prediction.label}`} onClick={() => onFeedback({ field, action: "reject" })}>
              Reject
            </button>
          ) : null}
        </div>
        <form className="inline-form" aria-label={`Correct the ${label.toLowerCase()}`} onSubmit={correct}>
          <label htmlFor={`ai-${field}`}>Correct {label.toLowerCase()}</label>
          {field === "priority" ? (
            <select id={`ai-${field}`} value={value} onChange={(e) => setValue(e.target.value)}>
              <option value="">Choose…</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          ) : (
            <input id={`ai-${field}`} value={value} maxLength={100} placeholder={current || "category"} onChange={(e) => setValue(e.target.value)} />
          )}
          <button type="submit" disabled={busy || !value.trim()}>
            Correct
          </button>
        </form>
      </dd>
    </div>
  );
}

function Predictions({ ticket }: { ticket: AgentTicketDetail }) {
  const ai = useTicketAi(ticket.id);
  const feedback = useAiFeedback(ticket.id);
  if (ai.isPending) return <Loading label="Loading AI predictions…" />;
  if (ai.isError) return <ErrorMessage error={ai.error} onRetry={() => void ai.refetch()} />;
  const { category, priority } = ai.data;
  const rowProps = { busy: feedback.isPending, onFeedback: (f: AiFeedback) => feedback.mutate(f) };

  return (
    <>
      {!ai.data.triaged ? <p className="muted">Not classified yet: the AI service has not answered for this ticket.</p> : null}
      <dl className="facts predictions">
        {category.prediction ? (
          <PredictionRow field="category" prediction={category.prediction} current={ticket.category} {...rowProps} />
        ) : (
          <div className="prediction">
            <dt>Category</dt>
            <dd className="muted">{category.reason || "No prediction."}</dd>
          </div>
        )}
        {priority ? (
          <PredictionRow field="priority" prediction={priority} current={ticket.priority} {...rowProps} />
        ) : (
          <div className="prediction">
            <dt>Priority</dt>
            <dd className="muted">No prediction; set it in the Priority field.</dd>
          </div>
        )}
        <div className="prediction">
          <dt>Sentiment</dt>
          <dd>{ai.data.sentiment ? `${ai.data.sentiment} (${confidenceText(ai.data.sentiment_confidence)})` : <span className="muted">no prediction</span>}</dd>
        </div>
        <div className="prediction">
          <dt>Language</dt>
          <dd>{ai.data.language ? `${ai.data.language} (${confidenceText(ai.data.language_confidence)})` : <span className="muted">no prediction</span>}</dd>
        </div>
      </dl>
      {ticket.ai.model_version ? <p className="muted small">Model {ticket.ai.model_version}.</p> : null}
      {feedback.isError ? <ErrorMessage error={feedback.error} /> : null}
      {feedback.isSuccess ? (
        <p role="status" className="muted small">
          Recorded: {FIELD_LABELS[feedback.variables.field].toLowerCase()} {outcomeText(feedback.data)}.
        </p>
      ) : null}
    </>
  );
}

export function AiPanel({ ticket }: { ticket: AgentTicketDetail }) {
  const similar = useSimilarTickets(ticket.id, ticket.subject);
  const firstMessage = ticket.messages[0]?.body_text ?? "";
  const articles = useSuggestedArticles(`${ticket.subject}\n${firstMessage}`.slice(0, 1500));

  return (
    <section className="card panel" aria-labelledby="ai-title">
      <h2 id="ai-title">AI suggestions</h2>
      <Predictions ticket={ticket} />
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
