// Save a set of inbox filters under a name (a per-member saved view).
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";

import { ACTIVE, useCreateSavedView } from "../api/inbox";
import { PRIORITIES } from "../api/ticket";

const STATE_CHOICES: Record<string, string[] | undefined> = { active: ACTIVE, solved: ["solved"], any: undefined };

export function SavedViewForm({ onClose }: { onClose: () => void }) {
  const create = useCreateSavedView();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [state, setState] = useState("active");
  const [priorities, setPriorities] = useState<string[]>([]);
  const [assignee, setAssignee] = useState("");
  const [tag, setTag] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    const filters: Record<string, unknown> = {};
    if (STATE_CHOICES[state]) filters.status_category = STATE_CHOICES[state];
    if (priorities.length) filters.priority = priorities;
    if (assignee) filters.assignee = assignee;
    if (tag.trim()) filters.tag = [tag.trim().toLowerCase()];
    create.mutate(
      { name: name.trim(), filters },
      {
        onSuccess: (view) => {
          onClose();
          navigate(`/agent/inbox/saved-${view.id}`);
        },
      },
    );
  }

  return (
    <form className="card saved-view-form" aria-label="New saved view" onSubmit={submit}>
      <div className="field">
        <label htmlFor="sv-name">View name</label>
        <input id="sv-name" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="sv-state">Tickets</label>
        <select id="sv-state" value={state} onChange={(e) => setState(e.target.value)}>
          <option value="active">Not solved</option>
          <option value="solved">Solved</option>
          <option value="any">Any state</option>
        </select>
      </div>
      <fieldset className="checks">
        <legend>Priority</legend>
        {PRIORITIES.map((p) => (
          <label key={p} className="check">
            <input
              type="checkbox"
              checked={priorities.includes(p)}
              onChange={(e) => setPriorities(e.target.checked ? [...priorities, p] : priorities.filter((x) => x !== p))}
            />{" "}
            {p}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="sv-assignee">Assignee</label>
        <select id="sv-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="none">Unassigned</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="sv-tag">Tag</label>
        <input id="sv-tag" value={tag} maxLength={50} onChange={(e) => setTag(e.target.value)} />
      </div>
      {create.isError ? <ErrorMessage error={create.error} /> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
          Save view
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
