// Notifications, for customers and staff alike: each links to the ticket in the reader's own area.
import { NotificationsPage } from "@/features/notifications/components/NotificationsPage";
import { ticketPath, type Me } from "@/lib/session";

export function NotificationsRoute({ me }: { me: Me }) {
  return <NotificationsPage ticketHref={(id) => ticketPath(me, id)} />;
}
