// Bulk actions on the selected tickets: status, priority, assignee, team and tags, all or nothing.
import { useState, type FormEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { PRIORITIES } from "@/lib/ticket";

import { BULK_LIMIT, EMPTY_BULK_FORM, bulkChanges, useBulkUpdate, useTeams, type BulkForm } from "../api/inbox";
import { useAssignableStaff, useStatuses } from "../api/ticket";

export function BulkBar({ selected, onDone }: { selected: number[]; onDone: () => void }) {
  const bulk = useBulkUpdate();
  const statuses = useStatuses();
  const staff = useAssignableStaff();
  const teams = useTeams();
  const [form, setForm] = useState<BulkForm>(EMPTY_BULK_FORM);
  const [done, setDone] = useState<number | null>(null);
  const changes = bulkChanges(form);
  const nothing = Object.keys(changes).length === 0;
  const set = (key: keyof BulkForm) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    bulk.mutate(
      { ids: selected, changes },
      {
        onSuccess: (result) => {
          setDone(result.updated);
          setForm(EMPTY_BULK_FORM);
          onDone();
        },
      },
    );
  }

  if (selected.length === 0) {
    return done !== null ? (
      <p role="status" className="muted" data-testid="bulk-done">
        Updated {done} ticket{done === 1 ? "" : "s"}.
      </p>
    ) : null;
  }
  return (
    <form className="card bulk-bar" aria-label="Bulk actions" onSubmit={submit}>
      <p role="status">
        <strong>{selected.length}</strong> selected{selected.length >= BULK_LIMIT ? ` (the most at once)` : ""}
      </p>
      <div className="bulk-bar__fields">
        <div className="field">
          <label htmlFor="bulk-status">Status</label>
          <select id="bulk-status" value={form.status} onChange={set("status")}>
            <option value="">(unchanged)</option>
            {(statuses.data ?? []).map((s) => (
              <option key={s.key} value={s.key}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="bulk-priority">Priority</label>
          <select id="bulk-priority" value={form.priority} onChange={set("priority")}>
            <option value="">(unchanged)</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="bulk-assignee">Assignee</label>
          <select id="bulk-assignee" value={form.assignee} onChange={set("assignee")}>
            <option value="">(unchanged)</option>
            <option value="none">Unassigned</option>
            {(staff.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.full_name || m.email}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="bulk-team">Team</label>
          <select id="bulk-team" value={form.team} onChange={set("team")}>
            <option value="">(unchanged)</option>
            <option value="none">No team</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="bulk-add-tags">Add tags</label>
          <input id="bulk-add-tags" value={form.addTags} placeholder="vip, billing" onChange={set("addTags")} />
        </div>
        <div className="field">
          <label htmlFor="bulk-remove-tags">Remove tags</label>
          <input id="bulk-remove-tags" value={form.removeTags} onChange={set("removeTags")} />
        </div>
      </div>
      {bulk.isError ? <ErrorMessage error={bulk.error} /> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={nothing || bulk.isPending}>
          {bulk.isPending ? "Applying…" : `Apply to ${selected.length} ticket${selected.length === 1 ? "" : "s"}`}
        </button>
        <button type="button" onClick={onDone}>
          Clear selection
        </button>
      </div>
    </form>
  );
}
