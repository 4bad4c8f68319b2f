// The header's link to the notifications, with the unread count.
import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

import { useUnreadCount } from "../api/notifications";

export function NotificationsLink() {
  const { t } = useTranslation();
  const unread = useUnreadCount().data ?? 0;
  return (
    <NavLink to="/notifications" aria-label={unread ? t("notifications.linkUnread", { count: unread }) : t("notifications.link")}>
      {t("notifications.link")}
      {unread ? (
        <span className="count" data-testid="unread-count">
          {unread}
        </span>
      ) : null}
    </NavLink>
  );
}
