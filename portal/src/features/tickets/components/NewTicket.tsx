// The customer's "new request" form.
import { useState, type FormEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
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

import { i18n } from "@/lib/i18n";

import { postReply, useCreateTicket } from "../api/tickets";

/** An id for this filling-in of the form (links article openings to the eventual ticket). */
function newFormSession(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : i18n.t("newTicket.uploadFailed");
}

type NewTicketProps = {
  /** Help shown beside the form as the customer types (the app puts article suggestions here). */
  renderHelp?: (draft: string, formSession: string) => ReactNode;
  onCreated?: (formSession: string) => void;
};

export function NewTicket({ renderHelp, onCreated }: NewTicketProps) {
  const { t } = useTranslation();
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
    setBodyError(bodyMissing ? t("newTicket.describe") : "");
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
        <Link to="/portal">{t("newTicket.backToMine")}</Link>
      </p>
      <h1>{t("shell.newRequest")}</h1>
      <form onSubmit={submit} className="card" aria-label={t("shell.newRequest")}>
        <Field
          id="subject"
          label={t("newTicket.subject")}
          required
          maxLength={250}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
        <RichTextEditor
          id="description"
          label={t("newTicket.howCanWeHelp")}
          required
          error={bodyError}
          disabled={busy}
          placeholder={t("newTicket.placeholder")}
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
            <p>{t("newTicket.fileNotAttached", { reason: errorText(uploadFailure.error) })}</p>
            <Link to={`/portal/tickets/${uploadFailure.ticketId}`}>{t("newTicket.openYours")}</Link>
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy || uploadFailure !== null}>
          {uploading ? t("newTicket.uploading") : create.isPending ? t("newTicket.sending") : t("newTicket.send")}
        </button>
      </form>
      {renderHelp ? renderHelp(`${subject}\n${body.text}`, formSession) : null}
    </div>
  );
}
