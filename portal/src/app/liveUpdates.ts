// What a realtime message means for the cached REST data: which queries to refetch.
// Lives in the app layer because it knows every feature's query keys.
import type { QueryClient, QueryKey } from "@tanstack/react-query";

import { RESYNC, WELCOME, type RealtimeClient, type RealtimeMessage } from "@/lib/realtime/client";

// Everything the socket keeps fresh; refetched wholesale on resync or after a gap.
export const LIVE_QUERY_ROOTS: QueryKey[] = [["inbox"], ["workspace-ticket"], ["tickets"], ["notifications"], ["csat"]];

/** The query keys an event makes stale (only active queries refetch; the rest on next use). */
export function staleKeys(message: RealtimeMessage, resumed: boolean): QueryKey[] {
  if (message.type === RESYNC || (message.type === WELCOME && !resumed)) return LIVE_QUERY_ROOTS;
  if (message.id === null) return [];
  const [kind] = message.type.split(".", 1);
  const ticketId = typeof message.subject_id === "number" ? message.subject_id : null;
  switch (kind) {
    case "notification":
      return [["notifications"]];
    case "ticket":
    case "message":
    case "sla":
      return ticketId === null
        ? [["inbox"], ["tickets"]]
        : [["inbox"], ["workspace-ticket", ticketId], ["tickets"]];
    case "csat":
      return ticketId === null ? [["csat"]] : [["csat", ticketId], ["workspace-ticket", ticketId]];
    default:
      return [];
  }
}

export function applyRealtimeMessage(queryClient: QueryClient, message: RealtimeMessage, client: RealtimeClient): void {
  for (const queryKey of staleKeys(message, client.resumed)) {
    void queryClient.invalidateQueries({ queryKey });
  }
}
