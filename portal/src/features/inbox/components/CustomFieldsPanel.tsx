// The ticket's custom fields, edited as typed inputs; saved together, with per-field errors.
import { useState, type FormEvent } from "react";

import { CustomFieldInputs } from "@/components/CustomFieldInputs";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import {
  changedValues,
  customFieldErrorsOf,
  useCustomFields,
  validateCustomValues,
  type CustomValues,
} from "@/lib/customFields";
import type { AgentTicketDetail } from "@/lib/ticket";

import { useUpdateTicket } from "../api/ticket";

export function CustomFieldsPanel({ ticket }: { ticket: AgentTicketDetail }) {
  const fields = useCustomFields();
  const update = useUpdateTicket(ticket.id);
  const [draft, setDraft] = useState<CustomValues>(() => ({ ...(ticket.custom_fields as CustomValues) }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);

  if (fields.isPending) return <Loading label="Loading fields…" />;
  if (fields.isError) return <ErrorMessage error={fields.error} onRetry={() => void fields.refetch()} />;
  if (fields.data.length === 0) return null;
  const changes = changedValues(ticket.custom_fields, draft);
  const dirty = Object.keys(changes).length > 0;

  function save(event: FormEvent) {
    event.preventDefault();
    const problems = validateCustomValues(fields.data ?? [], draft);
    setErrors(problems);
    setSaved(false);
    if (Object.keys(problems).length) return;
    update.mutate(
      { custom_fields: changes },
      {
        onSuccess: (updated) => {
          // What core stored (dates normalised, multi-selects sorted) becomes the draft.
          setDraft({ ...(updated.custom_fields as CustomValues) });
          setSaved(true);
        },
        onError: (error) => setErrors(customFieldErrorsOf(error)),
      },
    );
  }

  return (
    <form className="card panel" aria-labelledby="cf-title" onSubmit={save} noValidate>
      <h2 id="cf-title">Fields</h2>
      <CustomFieldInputs
        fields={fields.data}
        values={draft}
        errors={errors}
        idPrefix="cf"
        disabled={update.isPending}
        onChange={(key, value) => {
          setSaved(false);
          setDraft((current) => ({ ...current, [key]: value }));
        }}
      />
      {update.isError && Object.keys(errors).length === 0 ? <ErrorMessage error={update.error} /> : null}
      <div className="actions">
        <button type="submit" disabled={!dirty || update.isPending}>
          {update.isPending ? "Saving…" : "Save fields"}
        </button>
        {saved && !dirty ? (
          <span role="status" className="muted">
            Saved
          </span>
        ) : null}
      </div>
    </form>
  );
}
