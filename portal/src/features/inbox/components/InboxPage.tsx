// The agent inbox: fixed views, the SLA-at-risk queue and saved views; a keyset-paged ticket
// table with row selection for bulk actions and j/k/o/x keyboard moves.
import { useEffect, useRef, useState } from "react";
import { NavLink, Link, useNavigate, useParams } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime, remainingText } from "@/lib/format";
import { useShortcuts } from "@/lib/shortcuts";

import {
  VIEWS,
  parseViewRef,
  savedQuery,
  toggleAll,
  toggleSelected,
  useAtRisk,
  useInbox,
  type AgentTicket,
  type InboxView,
  type ViewRef,
} from "../api/inbox";
import { useDeleteSavedView, useSavedViews, type SavedView } from "../api/savedViews";
import { BulkBar } from "./BulkBar";
import { SavedViewForm } from "./SavedViewForm";

const EMPTY_TEXT: Record<InboxView, string> = {
  mine: "Nothing is assigned to you. Pick one from Unassigned.",
  unassigned: "Every open ticket has an owner.",
  open: "No open tickets. Inbox zero!",
  all: "No tickets yet. They appear here as customers write in.",
};

type Row = AgentTicket & { sla_due_at?: string };

function viewKey(ref: ViewRef): string {
  return ref.kind === "fixed" ? ref.view : ref.kind === "sla" ? "sla" : `saved-${ref.id}`;
}

/** The rows of the current view, whichever endpoint serves it, with paging when there is one. */
function useViewRows(ref: ViewRef) {
  const saved = useSavedViews();
  const savedView = ref.kind === "saved" ? saved.data?.find((v) => v.id === ref.id) : undefined;
  const query =
    ref.kind === "fixed" ? VIEWS[ref.view].query : ref.kind === "saved" && savedView ? savedQuery(savedView.filters) : null;
  const list = useInbox(viewKey(ref), query);
  const atRisk = useAtRisk(ref.kind === "sla");
  const label =
    ref.kind === "fixed" ? VIEWS[ref.view].label : ref.kind === "sla" ? "SLA at risk" : (savedView?.name ?? "Saved view");
  if (ref.kind === "sla") {
    return { label, saved, rows: (atRisk.data?.items ?? []) as Row[], status: atRisk, paging: null };
  }
  if (ref.kind === "saved" && !saved.isPending && !savedView) {
    return { label, saved, rows: [] as Row[], status: { ...saved, isError: true, error: new Error("No such saved view.") }, paging: null };
  }
  const rows: Row[] = list.data?.pages.flatMap((page) => page.items) ?? [];
  return { label, saved, rows, status: query === null ? saved : list, paging: list };
}

/** The current time, refreshed every minute (for "due in" texts). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export function InboxPage() {
  const ref = parseViewRef(useParams().view);
  // A new view starts fresh: nothing selected, no highlighted row.
  return <InboxViewPage key={viewKey(ref)} viewRef={ref} />;
}

function InboxViewPage({ viewRef: ref }: { viewRef: ViewRef }) {
  const key = viewKey(ref);
  const now = useNow();
  const navigate = useNavigate();
  const { label, saved, rows, status, paging } = useViewRows(ref);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [active, setActive] = useState(-1);
  // Which form is open: a new view's, or the current saved view's edit form.
  const [form, setForm] = useState<"new" | "edit" | null>(null);
  const table = useRef<HTMLTableElement>(null);

  function moveTo(index: number) {
    if (rows.length === 0) return;
    const next = Math.max(0, Math.min(rows.length - 1, index));
    setActive(next);
    table.current?.querySelector<HTMLAnchorElement>(`tr[data-index="${next}"] a`)?.focus();
  }

  useShortcuts({
    j: () => moveTo(active + 1),
    k: () => moveTo(active - 1),
    o: () => {
      const row = rows[active];
      if (row) navigate(`/agent/tickets/${row.id}`);
    },
    x: () => {
      const row = rows[active];
      if (row) setSelected((s) => toggleSelected(s, row.id));
    },
  });

  const currentView = ref.kind === "saved" ? saved.data?.find((v) => v.id === ref.id) : undefined;
  const ids = rows.map((r) => r.id);
  const allShownSelected = ids.length > 0 && ids.every((id) => selected.has(id));

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Inbox</h1>
        <span className="muted small">
          Press <kbd>?</kbd> for shortcuts
        </span>
      </div>
      <nav aria-label="Inbox views" className="tabs">
        {(Object.keys(VIEWS) as InboxView[]).map((v) => (
          <NavLink key={v} to={`/agent/inbox/${v}`} className={v === key ? "tab tab--active" : "tab"}>
            {VIEWS[v].label}
          </NavLink>
        ))}
        <NavLink to="/agent/inbox/sla" className={key === "sla" ? "tab tab--active" : "tab"}>
          SLA at risk
        </NavLink>
        {(saved.data ?? []).map((v) => (
          <NavLink key={v.id} to={`/agent/inbox/saved-${v.id}`} className={key === `saved-${v.id}` ? "tab tab--active" : "tab"}>
            {v.name}
          </NavLink>
        ))}
        <button
          type="button"
          className="tab"
          aria-expanded={form === "new"}
          onClick={() => setForm((f) => (f === "new" ? null : "new"))}
        >
          + Save a view
        </button>
      </nav>
      {saved.isError ? <ErrorMessage error={saved.error} onRetry={() => void saved.refetch()} /> : null}
      {form === "new" ? <SavedViewForm onClose={() => setForm(null)} /> : null}
      {currentView ? (
        <SavedViewActions
          view={currentView}
          editing={form === "edit"}
          onEdit={() => setForm((f) => (f === "edit" ? null : "edit"))}
          onDeleted={() => navigate("/agent/inbox/mine")}
        />
      ) : null}
      {currentView && form === "edit" ? <SavedViewForm key={currentView.id} view={currentView} onClose={() => setForm(null)} /> : null}
      <BulkBar selected={[...selected]} onDone={() => setSelected(new Set())} />
      {status.isPending ? (
        <Loading label="Loading tickets…" />
      ) : status.isError ? (
        <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={`${label}: empty`}>
          <p>
            {ref.kind === "fixed"
              ? EMPTY_TEXT[ref.view]
              : ref.kind === "sla"
                ? "No open ticket is due within two hours. Good."
                : "No ticket matches this view."}
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table inbox-table" aria-label={`${label} tickets`} ref={table}>
              <thead>
                <tr>
                  <th scope="col" className="select-col">
                    <input
                      type="checkbox"
                      aria-label="Select all shown"
                      checked={allShownSelected}
                      onChange={() => setSelected((s) => toggleAll(s, ids))}
                    />
                  </th>
                  <th scope="col">Subject</th>
                  <th scope="col">Requester</th>
                  <th scope="col">Status</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">{ref.kind === "sla" ? "SLA" : "Updated"}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t, index) => (
                  <tr
                    key={t.id}
                    data-index={index}
                    data-ticket-id={t.id}
                    className={index === active ? "row--active" : undefined}
                    aria-selected={selected.has(t.id)}
                  >
                    <td className="select-col">
                      <input
                        type="checkbox"
                        aria-label={`Select ${t.display_number}`}
                        checked={selected.has(t.id)}
                        onChange={() => setSelected((s) => toggleSelected(s, t.id))}
                      />
                    </td>
                    <td>
                      <Link to={`/agent/tickets/${t.id}`} onFocus={() => setActive(index)}>
                        {t.subject}
                      </Link>{" "}
                      <span className="muted">{t.display_number}</span>
                      {t.tags.length ? <span className="muted small"> · {t.tags.join(", ")}</span> : null}
                    </td>
                    <td>{t.requester.name}</td>
                    <td>
                      <StatusBadge category={t.status_category} label={t.status} />
                    </td>
                    <td>
                      <span className={`priority priority--${t.priority}`}>{t.priority}</span>
                    </td>
                    <td>{t.assignee?.name ?? <span className="muted">—</span>}</td>
                    <td>
                      {t.sla_due_at
                        ? remainingText((Date.parse(t.sla_due_at) - now) / 60_000)
                        : formatDateTime(t.updated_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {paging?.hasNextPage ? (
            <button type="button" onClick={() => void paging.fetchNextPage()} disabled={paging.isFetchingNextPage}>
              {paging.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}

/** Edit and delete buttons of the saved view on screen. */
function SavedViewActions({ view, editing, onEdit, onDeleted }: {
  view: SavedView;
  editing: boolean;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const remove = useDeleteSavedView();
  return (
    <div className="actions" role="group" aria-label={`Saved view “${view.name}”`}>
      <button type="button" aria-expanded={editing} onClick={onEdit}>
        Edit view
      </button>
      <button
        type="button"
        disabled={remove.isPending}
        onClick={() => {
          if (window.confirm(`Delete the saved view "${view.name}"? Its tickets stay as they are.`)) {
            remove.mutate(view.id, { onSuccess: onDeleted });
          }
        }}
      >
        {remove.isPending ? "Deleting…" : "Delete view"}
      </button>
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
    </div>
  );
}
