// Knowledge base from the workspace: find articles to link in a reply, draft one from a solved ticket.
import { useMutation, useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type ArticleHit = Schemas["SearchHitOut"];
export type ArticleDraft = Schemas["ArticleStaffOut"];

/** Published articles matching `q` (staff see every audience; the server refuses agents-only ones in replies). */
export function useArticleSearch(q: string) {
  return useQuery({
    queryKey: ["workspace-article-search", q],
    queryFn: async () => unwrap(await api.GET("/api/v1/kb/search", { params: { query: { q, limit: 8 } } })),
    enabled: q.trim().length > 0,
    staleTime: 60_000,
  });
}

export function useDraftArticleFromTicket(ticketId: number) {
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/kb/manage/articles/from-ticket/{ticket_id}", {
          params: { path: { ticket_id: ticketId } },
        }),
      ) as ArticleDraft,
  });
}

export function canDraftArticle(statusCategory: string): boolean {
  return statusCategory === "solved" || statusCategory === "closed";
}
