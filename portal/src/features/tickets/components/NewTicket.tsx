// The customer's "new request" form.
import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate } from "react-router";

import { AttachmentPicker, useAttachmentDraft } from "@/components/AttachmentPicker";
import { CustomFieldInputs } from "@/components/CustomFieldInputs";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { RichTextEditor, type RichValue } from "@/components/RichTextEditor";
import {
  customFieldErrorsOf,
  isEmptyValue,
  useCustomFields,
  validateCustomValues,
  type CustomValues,
} from "@/lib/customFields";

import { postReply, useCreateTicket } from "../api/tickets";

/** An id for this filling-in of the form (links article openings to the eventual ticket). */
function newFormSession(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : "the upload failed.";
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
  const [body, setBody] = useState<RichValue>({ html: "", text: "" });
  const [bodyError, setBodyError] = useState("");
  const files = useAttachmentDraft();
  const [uploading, setUploading] = useState(false);
  // The request exists but a file did not make it: say so, and link to the request.
  const [uploadFailure, setUploadFailure] = useState<{ ticketId: number; error: unknown } | null>(null);
  // The custom fields the tenant lets customers fill in (core leaves agent-only ones out).
  const fields = useCustomFields();
  const [custom, setCustom] = useState<CustomValues>({});
  const [customErrors, setCustomErrors] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    setUploadFailure(null);
    const problems = validateCustomValues(fields.data ?? [], custom);
    setCustomErrors(problems);
    // A contenteditable has no native "required"; say it the way the other fields do.
    const bodyMissing = !body.text.trim();
    setBodyError(bodyMissing ? "Describe your request." : "");
    if (bodyMissing) document.getElementById("description")?.focus();
    if (Object.keys(problems).length || bodyMissing) return;
    const filled = Object.fromEntries(Object.entries(custom).filter(([, v]) => !isEmptyValue(v)));
    create.mutate(
      { subject: subject.trim(), body_html: body.html, custom_fields: filled },
      {
        onError: (error) => setCustomErrors(customFieldErrorsOf(error)),
        onSuccess: async (ticket) => {
          onCreated?.(formSession);
          if (files.drafts.length) {
            // Files belong to a ticket, so they follow the request as an attachments-only message.
            setUploading(true);
            try {
              await postReply(ticket.id, { attachment_ids: await files.uploadAll(ticket.id) });
            } catch (error) {
              setUploadFailure({ ticketId: ticket.id, error });
              return;
            } finally {
              setUploading(false);
            }
          }
          navigate(`/portal/tickets/${ticket.id}`);
        },
      },
    );
  }
  const busy = create.isPending || uploading;

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
        <RichTextEditor
          id="description"
          label="How can we help?"
          required
          error={bodyError}
          disabled={busy}
          placeholder="What happened, and what did you expect?"
          onChange={(value) => {
            setBody(value);
            if (value.text) setBodyError("");
          }}
        />
        {fields.isError ? <ErrorMessage error={fields.error} onRetry={() => void fields.refetch()} /> : null}
        <CustomFieldInputs
          fields={fields.data ?? []}
          values={custom}
          errors={customErrors}
          idPrefix="new-cf"
          onChange={(key, value) => setCustom((current) => ({ ...current, [key]: value }))}
        />
        <AttachmentPicker draft={files} disabled={busy || uploadFailure !== null} />
        {create.isError ? <ErrorMessage error={create.error} /> : null}
        {uploadFailure ? (
          <div className="error" role="alert">
            <p>Your request was sent, but a file was not attached: {errorText(uploadFailure.error)}</p>
            <Link to={`/portal/tickets/${uploadFailure.ticketId}`}>Open your request</Link>
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy || uploadFailure !== null}>
          {uploading ? "Uploading files…" : create.isPending ? "Sending…" : "Send request"}
        </button>
      </form>
      {renderHelp ? renderHelp(`${subject}\n${body.text}`, formSession) : null}
    </div>
  );
}
