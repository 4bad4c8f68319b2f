// The agent inbox: view tabs (mine, unassigned, all open, all) and a keyset-paged ticket table.
import { NavLink, Link, useParams } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime } from "@/lib/format";

import { VIEWS, isInboxView, useInbox, type InboxView } from "../api/inbox";

const EMPTY_TEXT: Record<InboxView, string> = {
  mine: "Nothing is assigned to you. Pick one from Unassigned.",
  unassigned: "Every open ticket has an owner.",
  open: "No open tickets. Inbox zero!",
  all: "No tickets yet. They appear here as customers write in.",
};

export function InboxPage() {
  const param = useParams().view;
  const view: InboxView = isInboxView(param) ? param : "mine";
  const inbox = useInbox(view);
  const items = inbox.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="stack">
      <h1>Inbox</h1>
      <nav aria-label="Inbox views" className="tabs">
        {(Object.keys(VIEWS) as InboxView[]).map((key) => (
          <NavLink key={key} to={`/agent/inbox/${key}`} className={key === view ? "tab tab--active" : "tab"}>
            {VIEWS[key].label}
          </NavLink>
        ))}
      </nav>
      {inbox.isPending ? (
        <Loading label="Loading tickets…" />
      ) : inbox.isError ? (
        <ErrorMessage error={inbox.error} onRetry={() => void inbox.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={`${VIEWS[view].label}: empty`}>
          <p>{EMPTY_TEXT[view]}</p>
        </EmptyState>
      ) : (
        <>
          <table className="table" aria-label={`${VIEWS[view].label} tickets`}>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Requester</th>
                <th scope="col">Status</th>
                <th scope="col">Priority</th>
                <th scope="col">Assignee</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link to={`/agent/tickets/${t.id}`}>{t.subject}</Link>{" "}
                    <span className="muted">{t.display_number}</span>
                  </td>
                  <td>{t.requester.name}</td>
                  <td>
                    <StatusBadge category={t.status_category} label={t.status} />
                  </td>
                  <td>
                    <span className={`priority priority--${t.priority}`}>{t.priority}</span>
                  </td>
                  <td>{t.assignee?.name ?? <span className="muted">—</span>}</td>
                  <td>{formatDateTime(t.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {inbox.hasNextPage ? (
            <button type="button" onClick={() => void inbox.fetchNextPage()} disabled={inbox.isFetchingNextPage}>
              {inbox.isFetchingNextPage ? "Loading…" : "Load more"}
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
