// Every notification of the signed-in person, newest first; open one to mark it read.
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";

import { useMarkAllRead, useMarkRead, useNotifications } from "../api/notifications";

export function NotificationsPage({ ticketHref }: { ticketHref: (ticketId: number) => string }) {
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();

  if (notifications.isPending) return <Loading label="Loading notifications…" />;
  if (notifications.isError) {
    return <ErrorMessage error={notifications.error} onRetry={() => void notifications.refetch()} />;
  }
  const items = notifications.data;
  const unread = items.filter((n) => !n.read_at).length;
  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>Notifications</h1>
        {unread ? (
          <button type="button" disabled={markAll.isPending} onClick={() => markAll.mutate()}>
            Mark all as read
          </button>
        ) : null}
      </div>
      {markAll.isError ? <ErrorMessage error={markAll.error} /> : null}
      {items.length === 0 ? (
        <EmptyState title="No notifications">
          <p>You will be told here when something happens on your tickets.</p>
        </EmptyState>
      ) : (
        <ul className="notifications" aria-label="Notifications">
          {items.map((n) => (
            <li key={n.id} className={n.read_at ? "notification" : "notification notification--unread"}>
              <div className="message__meta">
                <strong>{n.title}</strong>
                {!n.read_at ? <span className="badge badge--new">New</span> : null}
                <span className="muted">{formatDateTime(n.created_at)}</span>
              </div>
              {n.body ? <p className="notification__body">{n.body}</p> : null}
              <div className="actions">
                {n.ticket_id ? (
                  <Link to={ticketHref(n.ticket_id)} onClick={() => !n.read_at && markRead.mutate(n.id)}>
                    Open ticket
                  </Link>
                ) : null}
                {!n.read_at ? (
                  <button type="button" className="link" onClick={() => markRead.mutate(n.id)}>
                    Mark as read
                  </button>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
