// Save a set of inbox filters under a name (a per-member saved view), or change a saved one:
// rename it and edit its filters. Filters saved through the API that the form has no field for
// are kept as they are.
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { PRIORITIES } from "@/lib/ticket";

import { useTeams } from "../api/inbox";
import {
  filtersFromForm,
  formFromView,
  useCreateSavedView,
  useUpdateSavedView,
  type SavedView,
  type ViewForm,
} from "../api/savedViews";
import { useAssignableStaff } from "../api/ticket";

type SavedViewFormProps = {
  /** The view to change; without one the form creates a view. */
  view?: SavedView;
  onClose: () => void;
};

export function SavedViewForm({ view, onClose }: SavedViewFormProps) {
  const create = useCreateSavedView();
  const update = useUpdateSavedView(view?.id ?? 0);
  const save = view ? update : create;
  const navigate = useNavigate();
  const staff = useAssignableStaff();
  const teams = useTeams();
  const [initial] = useState<ViewForm>(() => formFromView(view ?? null));
  const [form, setForm] = useState<ViewForm>(initial);
  const set = <K extends keyof ViewForm>(key: K, value: ViewForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const knownAssignee = ["", "me", "none", ...(staff.data ?? []).map((m) => String(m.id))].includes(form.assignee);
  const knownTeam = ["", "none", ...(teams.data ?? []).map((t) => String(t.id))].includes(form.team);

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = { name: form.name.trim(), filters: filtersFromForm(form, view?.filters) };
    if (view) update.mutate(input, { onSuccess: onClose });
    else create.mutate(input, { onSuccess: (made) => (onClose(), navigate(`/agent/inbox/saved-${made.id}`)) });
  }

  const title = view ? `Edit the view “${view.name}”` : "New saved view";
  return (
    <form className="card saved-view-form" aria-label={title} onSubmit={submit}>
      <h2 className="small-heading">{title}</h2>
      <div className="field">
        <label htmlFor="sv-name">View name</label>
        <input id="sv-name" required maxLength={80} value={form.name} onChange={(e) => set("name", e.target.value)} autoFocus />
      </div>
      <div className="field">
        <label htmlFor="sv-state">Tickets</label>
        <select id="sv-state" value={form.state} onChange={(e) => set("state", e.target.value as ViewForm["state"])}>
          <option value="active">Not solved</option>
          <option value="solved">Solved or closed</option>
          <option value="any">Any state</option>
          {initial.state === "kept" ? <option value="kept">As saved ({String(view?.filters.status_category)})</option> : null}
        </select>
      </div>
      <fieldset className="checks">
        <legend>Priority</legend>
        {PRIORITIES.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={form.priorities.includes(p)}
              onChange={(e) => set("priorities", e.target.checked ? [...form.priorities, p] : form.priorities.filter((x) => x !== p))}
            />{" "}
            {p}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="sv-assignee">Assignee</label>
        <select id="sv-assignee" value={form.assignee} onChange={(e) => set("assignee", e.target.value)}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unassigned</option>
          {(staff.data ?? []).map((m) => (
            <option key={m.id} value={String(m.id)}>
              {m.full_name || m.email}
            </option>
          ))}
          {knownAssignee || staff.isPending ? null : <option value={form.assignee}>As saved (member {form.assignee})</option>}
        </select>
      </div>
      <div className="field">
        <label htmlFor="sv-team">Team</label>
        <select id="sv-team" value={form.team} onChange={(e) => set("team", e.target.value)}>
          <option value="">Any team</option>
          <option value="none">No team</option>
          {(teams.data ?? []).map((t) => (
            <option key={t.id} value={String(t.id)}>
              {t.name}
            </option>
          ))}
          {knownTeam || teams.isPending ? null : <option value={form.team}>As saved (team {form.team})</option>}
        </select>
      </div>
      <div className="field">
        <label htmlFor="sv-tag">Tags (comma separated; tickets with all of them)</label>
        <input id="sv-tag" value={form.tags} maxLength={300} onChange={(e) => set("tags", e.target.value)} />
      </div>
      {staff.isError || teams.isError ? <p className="muted small">Could not load the staff or team lists; those filters keep their saved values.</p> : null}
      {save.isError ? <ErrorMessage error={save.error} /> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending || !form.name.trim()}>
          {save.isPending ? "Saving…" : view ? "Save changes" : "Save view"}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
