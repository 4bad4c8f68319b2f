// Pick a macro in the composer, see what it would change and say, then apply it.
import { useState } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { useApplyMacro, useMacroPreview, useMacros } from "../api/macros";

export function MacroPicker({ ticketId }: { ticketId: number }) {
  const macros = useMacros();
  const [macroId, setMacroId] = useState<number | null>(null);
  const preview = useMacroPreview(ticketId, macroId);
  const apply = useApplyMacro(ticketId);

  if (macros.isError) return <ErrorMessage error={macros.error} onRetry={() => void macros.refetch()} />;
  if (!macros.data?.length) return null;

  return (
    <div className="macro-picker">
      <label htmlFor="macro-select">Macro</label>
      <select
        id="macro-select"
        value={macroId ?? ""}
        onChange={(e) => {
          apply.reset();
          setMacroId(e.target.value ? Number(e.target.value) : null);
        }}
      >
        <option value="">Choose a macro…</option>
        {macros.data.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
            {m.shared ? "" : " (mine)"}
          </option>
        ))}
      </select>
      {macroId === null ? null : preview.isPending ? (
        <Loading label="Previewing…" />
      ) : preview.isError ? (
        <ErrorMessage error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <div className="macro-preview" aria-label="Macro preview" role="region">
          {Object.keys(preview.data.changes).length ? (
            <ul className="plain-list">
              {Object.entries(preview.data.changes).map(([field, value]) => (
                <li key={field}>
                  Set {field.replace(/_/g, " ")} to <strong>{Array.isArray(value) ? value.join(", ") : String(value)}</strong>
                </li>
              ))}
            </ul>
          ) : null}
          {preview.data.reply_text ? (
            <blockquote className={preview.data.reply_internal ? "message message--note" : "message"}>
              <span className="muted small">{preview.data.reply_internal ? "Internal note" : "Public reply"}</span>
              <p className="pre">{preview.data.reply_text}</p>
            </blockquote>
          ) : null}
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={apply.isPending}
              onClick={() => apply.mutate(macroId, { onSuccess: () => setMacroId(null) })}
            >
              {apply.isPending ? "Applying…" : "Apply macro"}
            </button>
            <button type="button" onClick={() => setMacroId(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {apply.isError ? <ErrorMessage error={apply.error} /> : null}
      {apply.isSuccess ? (
        <p role="status" className="muted">
          Macro applied.
        </p>
      ) : null}
    </div>
  );
}
