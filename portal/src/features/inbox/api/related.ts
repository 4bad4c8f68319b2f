// Data of the ticket view's related panels: history, links and merges, and the ticket picker.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { ticketHistoryKey, useTicketMutation } from "@/lib/ticket";

export type Change = Schemas["ChangeOut"];

const path = (ticketId: number) => ({ params: { path: { ticket_id: ticketId } } });

export function useHistory(ticketId: number, enabled: boolean) {
  return useQuery({
    queryKey: ticketHistoryKey(ticketId),
    queryFn: async () => unwrap(await api.GET("/api/v1/tickets/{ticket_id}/history", path(ticketId))),
    enabled,
  });
}

export function useLinkTicket(ticketId: number) {
  return useTicketMutation(ticketId, async (input: Schemas["LinkIn"]) =>
    unwrap(await api.POST("/api/v1/tickets/{ticket_id}/links", { ...path(ticketId), body: input })),
  );
}

export function useUnlinkTicket(ticketId: number) {
  return useTicketMutation(ticketId, async (linkId: number) =>
    unwrap(
      await api.DELETE("/api/v1/tickets/{ticket_id}/links/{link_id}", {
        params: { path: { ticket_id: ticketId, link_id: linkId } },
      }),
    ),
  );
}

export function useMergeTicket(ticketId: number) {
  return useTicketMutation(ticketId, async (targetId: number) =>
    unwrap(await api.POST("/api/v1/tickets/{ticket_id}/merge", { ...path(ticketId), body: { target_id: targetId } })),
  );
}

export type TicketPick = { id: number; number: number; subject: string; status: string };

/** A typed ticket number (#1042, 1042) or null when the text is words to search for. */
export function typedNumber(text: string): number | null {
  const match = /^#?\s*(\d{1,15})$/.exec(text.trim());
  return match ? Number(match[1]) : null;
}

/** Tickets an agent may mean by `text`: the one with that number, or a full-text search's best hits. */
export function useTicketLookup(text: string, excludeId: number) {
  const number = typedNumber(text);
  return useQuery({
    queryKey: ["workspace-ticket-lookup", text],
    queryFn: async (): Promise<TicketPick[]> => {
      const tickets =
        number !== null
          ? unwrap(await api.GET("/api/v1/tickets", { params: { query: { number: [number], limit: 1 } } })).items
          : unwrap(await api.GET("/api/v1/search", { params: { query: { q: text, limit: 8 } } })).items.map((h) => h.ticket);
      return tickets
        .filter((t) => t.id !== excludeId)
        .map((t) => ({ id: t.id, number: t.number, subject: t.subject, status: t.status }));
    },
    enabled: number !== null || text.trim().length >= 2,
    staleTime: 30_000,
  });
}
