// The header's link to the notifications, with the unread count.
import { NavLink } from "react-router";

import { useUnreadCount } from "../api/notifications";

export function NotificationsLink() {
  const unread = useUnreadCount().data ?? 0;
  return (
    <NavLink to="/notifications" aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}>
      Notifications
      {unread ? (
        <span className="count" data-testid="unread-count">
          {unread}
        </span>
      ) : null}
    </NavLink>
  );
}
