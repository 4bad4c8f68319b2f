// Data of the ticket view's side panels: SLA clocks, history, macros, similar tickets and
// suggested articles (the AI panel), links and merges.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

import { ticketQueryKey } from "./ticket";

export type SlaClock = Schemas["ClockOut"];
export type Change = Schemas["ChangeOut"];
export type Macro = Schemas["MacroOut"];
export type MacroPreview = Schemas["PreviewOut"];

const path = (ticketId: number) => ({ params: { path: { ticket_id: ticketId } } });

export function useSla(ticketId: number) {
  return useQuery({
    queryKey: ["workspace-sla", ticketId],
    queryFn: async () => unwrap(await api.GET("/api/v1/tickets/{ticket_id}/sla", path(ticketId))),
    refetchInterval: 60_000, // the time left changes by itself
  });
}

export function useHistory(ticketId: number, enabled: boolean) {
  return useQuery({
    queryKey: ["workspace-history", ticketId],
    queryFn: async () => unwrap(await api.GET("/api/v1/tickets/{ticket_id}/history", path(ticketId))),
    enabled,
  });
}

export function useMacros() {
  return useQuery({
    queryKey: ["workspace-macros"],
    queryFn: async () => unwrap(await api.GET("/api/v1/macros")),
    staleTime: 5 * 60_000,
  });
}

export function useMacroPreview(ticketId: number, macroId: number | null) {
  return useQuery({
    queryKey: ["workspace-macro-preview", ticketId, macroId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tickets/{ticket_id}/macros/{macro_id}/preview", {
          params: { path: { ticket_id: ticketId, macro_id: macroId ?? 0 } },
        }),
      ),
    enabled: macroId !== null,
  });
}

function useTicketMutation<Input>(ticketId: number, run: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ticketQueryKey(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ["workspace-history", ticketId] });
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
    },
  });
}

export function useApplyMacro(ticketId: number) {
  return useTicketMutation(ticketId, async (macroId: number) =>
    unwrap(
      await api.POST("/api/v1/tickets/{ticket_id}/macros/{macro_id}/apply", {
        params: { path: { ticket_id: ticketId, macro_id: macroId } },
      }),
    ),
  );
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

/** Tickets like this one: a full-text search on its subject, without itself. */
export function useSimilarTickets(ticketId: number, subject: string) {
  return useQuery({
    queryKey: ["workspace-similar", ticketId, subject],
    queryFn: async () => {
      const found = unwrap(await api.GET("/api/v1/search", { params: { query: { q: similarQuery(subject), limit: 6 } } }));
      return found.items.filter((hit) => hit.ticket.id !== ticketId).slice(0, 5);
    },
    enabled: similarQuery(subject) !== "",
    staleTime: 60_000,
  });
}

/** A subject as an "any of these words" search: words of 3+ letters joined by `or`. */
export function similarQuery(subject: string): string {
  const words = subject
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
  return [...new Set(words)].slice(0, 8).join(" or ");
}

export function useSuggestedArticles(text: string) {
  return useQuery({
    queryKey: ["workspace-articles", text],
    queryFn: async () => unwrap(await api.GET("/api/v1/kb/suggest", { params: { query: { q: text, limit: 5 } } })),
    enabled: text.trim().length > 2,
    staleTime: 60_000,
  });
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
