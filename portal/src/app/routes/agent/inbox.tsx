// The agent inbox, which fetches the ticket view's code once it is up, so opening a ticket does not wait for it.
import { useEffect } from "react";

import { InboxPage } from "@/features/inbox/components/InboxPage";

import { loadTicketRoute } from "./lazy";

function PrefetchTicketView() {
  useEffect(() => {
    const timer = window.setTimeout(() => void loadTicketRoute().catch(() => undefined), 1_000);
    return () => window.clearTimeout(timer);
  }, []);
  return null;
}

export function InboxRoute() {
  return (
    <>
      <InboxPage />
      <PrefetchTicketView />
    </>
  );
}
