// Every notification of the signed-in person, newest first; open one to mark it read.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";

import { useMarkAllRead, useMarkRead, useNotifications } from "../api/notifications";

export function NotificationsPage({ ticketHref }: { ticketHref: (ticketId: number) => string }) {
  const { t } = useTranslation();
  const notifications = useNotifications();
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();

  if (notifications.isPending) return <Loading label={t("notifications.loading")} />;
  if (notifications.isError) {
    return <ErrorMessage error={notifications.error} onRetry={() => void notifications.refetch()} />;
  }
  const items = notifications.data;
  const unread = items.filter((n) => !n.read_at).length;
  return (
    <div className="stack narrow">
      <div className="page-head">
        <h1>{t("notifications.link")}</h1>
        {unread ? (
          <button type="button" disabled={markAll.isPending} onClick={() => markAll.mutate()}>
            {t("notifications.markAll")}
          </button>
        ) : null}
      </div>
      {markAll.isError ? <ErrorMessage error={markAll.error} /> : null}
      {items.length === 0 ? (
        <EmptyState title={t("notifications.none")}>
          <p>{t("notifications.noneBody")}</p>
        </EmptyState>
      ) : (
        <ul className="notifications" aria-label={t("notifications.link")}>
          {items.map((n) => (
            <li key={n.id} className={n.read_at ? "notification" : "notification notification--unread"}>
              <div className="message__meta">
                <strong>{n.title}</strong>
                {!n.read_at ? <span className="badge badge--new">{t("notifications.new")}</span> : null}
                <span className="muted">{formatDateTime(n.created_at)}</span>
              </div>
              {n.body ? <p className="notification__body">{n.body}</p> : null}
              <div className="actions">
                {n.ticket_id ? (
                  <Link to={ticketHref(n.ticket_id)} onClick={() => !n.read_at && markRead.mutate(n.id)}>
                    {t("notifications.openTicket")}
                  </Link>
                ) : null}
                {!n.read_at ? (
                  <button type="button" className="link" onClick={() => markRead.mutate(n.id)}>
                    {t("notifications.markRead")}
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
