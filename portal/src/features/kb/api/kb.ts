// The knowledge base as readers see it: categories, articles, search, suggestions, votes, deflection.
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Category = Schemas["CategoryOut"];
export type ArticleSummary = Schemas["ArticleSummaryOut"];
export type Article = Schemas["ArticleOut"];
export type Suggestion = Schemas["SuggestionOut"];

export function useCategories() {
  return useQuery({
    queryKey: ["kb", "categories"],
    queryFn: async () => unwrap(await api.GET("/api/v1/kb/categories")),
  });
}

export function useCategoryArticles(categoryId: number) {
  return useQuery({
    queryKey: ["kb", "articles", categoryId],
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/kb/articles", { params: { query: { category_id: categoryId, limit: 100 } } })),
  });
}

export function useArticle(slug: string) {
  return useQuery({
    queryKey: ["kb", "article", slug],
    queryFn: async () => unwrap(await api.GET("/api/v1/kb/articles/{slug}", { params: { path: { slug } } })),
  });
}

export function useKbSearch(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ["kb", "search", text],
    enabled: text.length > 0,
    queryFn: async () => unwrap(await api.GET("/api/v1/kb/search", { params: { query: { q: text, limit: 20 } } })),
  });
}

/** Shortest draft worth asking about: fewer letters match almost anything. */
export const SUGGEST_MIN_CHARS = 4;

export function useSuggestions(draft: string) {
  const text = draft.trim().slice(0, 2000);
  return useQuery({
    queryKey: ["kb", "suggest", text],
    enabled: text.length >= SUGGEST_MIN_CHARS,
    placeholderData: keepPreviousData, // keep the list steady while the next answer loads
    queryFn: async () => unwrap(await api.GET("/api/v1/kb/suggest", { params: { query: { q: text, limit: 5 } } })),
  });
}

export function useVote(slug: string) {
  return useMutation({
    mutationFn: async (helpful: boolean) =>
      unwrap(await api.POST("/api/v1/kb/articles/{slug}/vote", { params: { path: { slug } }, body: { helpful } })),
  });
}

export async function recordView(slug: string): Promise<void> {
  await api.POST("/api/v1/kb/articles/{slug}/view", { params: { path: { slug } } });
}

/** A suggested article was opened from the ticket form (a possible deflection). */
export async function recordDeflection(input: { article_id: number; form_session: string; query: string }) {
  await api.POST("/api/v1/kb/deflections", { body: input });
}

/** The form was sent after all: those openings did not deflect the ticket. */
export async function recordSubmitted(formSession: string) {
  await api.POST("/api/v1/kb/deflections/submitted", { body: { form_session: formSession } });
}
