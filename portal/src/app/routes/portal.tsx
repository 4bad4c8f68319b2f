// The customer portal: my requests, a new request with help articles suggested while it is
// written, and a request's conversation with the satisfaction rating once it is solved.
import { CsatPrompt } from "@/features/csat/components/CsatPrompt";
import { recordSubmitted } from "@/features/kb/api/kb";
import { ArticleSuggestions } from "@/features/kb/components/ArticleSuggestions";
import { NewTicket } from "@/features/tickets/components/NewTicket";
import { TicketConversation } from "@/features/tickets/components/TicketConversation";

export { MyTickets } from "@/features/tickets/components/MyTickets";

export function NewTicketRoute() {
  return (
    <NewTicket
      renderHelp={(draft, formSession) => <ArticleSuggestions draft={draft} formSession={formSession} />}
      onCreated={(formSession) => void recordSubmitted(formSession).catch(() => undefined)}
    />
  );
}

export function TicketConversationRoute() {
  return <TicketConversation renderSolved={(id) => <CsatPrompt ticketId={id} />} />;
}
