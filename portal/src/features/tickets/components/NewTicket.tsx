// The customer's "new request" form.
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";

import { CustomFieldInputs } from "@/components/CustomFieldInputs";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { TextArea } from "@/components/TextArea";
import {
  customFieldErrorsOf,
  isEmptyValue,
  useCustomFields,
  validateCustomValues,
  type CustomValues,
} from "@/lib/customFields";

import { useCreateTicket } from "../api/tickets";

/** An id for this filling-in of the form (links article openings to the eventual ticket). */
function newFormSession(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

type NewTicketProps = {
  /** Help shown beside the form as the customer types (the app puts article suggestions here). */
  renderHelp?: (draft: string, formSession: string) => ReactNode;
  onCreated?: (formSession: string) => void;
};

export function NewTicket({ renderHelp, onCreated }: NewTicketProps) {
  const create = useCreateTicket();
  const [formSession] = useState(newFormSession);
  const navigate = useNavigate();
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  // The custom fields the tenant lets customers fill in (core leaves agent-only ones out).
  const fields = useCustomFields();
  const [custom, setCustom] = useState<CustomValues>({});
  const [customErrors, setCustomErrors] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validateCustomValues(fields.data ?? [], custom);
    setCustomErrors(problems);
    if (Object.keys(problems).length) return;
    const filled = Object.fromEntries(Object.entries(custom).filter(([, v]) => !isEmptyValue(v)));
    create.mutate(
      { subject: subject.trim(), body_text: body, custom_fields: filled },
      {
        onError: (error) => setCustomErrors(customFieldErrorsOf(error)),
        onSuccess: (ticket) => {
          onCreated?.(formSession);
          navigate(`/portal/tickets/${ticket.id}`);
        },
      },
    );
  }

  return (
    <div className="stack narrow">
      <p>
        <Link to="/portal">← My requests</Link>
      </p>
      <h1>New request</h1>
      <form onSubmit={submit} className="card" aria-label="New request">
        <Field
          id="subject"
          label="Subject"
          required
          maxLength={250}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
        <TextArea
          id="description"
          label="How can we help?"
          required
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        {fields.isError ? <ErrorMessage error={fields.error} onRetry={() => void fields.refetch()} /> : null}
        <CustomFieldInputs
          fields={fields.data ?? []}
          values={custom}
          errors={customErrors}
          idPrefix="new-cf"
          onChange={(key, value) => setCustom((current) => ({ ...current, [key]: value }))}
        />
        {create.isError ? <ErrorMessage error={create.error} /> : null}
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Sending…" : "Send request"}
        </button>
      </form>
      {renderHelp ? renderHelp(`${subject}\n${body}`, formSession) : null}
    </div>
  );
}
