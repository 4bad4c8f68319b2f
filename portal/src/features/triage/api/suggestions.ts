// What the AI panel suggests beside its predictions: similar tickets and help articles.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/api/client";

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
