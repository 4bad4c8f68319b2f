// The workspace's knowledge base actions: link articles in a reply, draft one from a solved ticket.
import { useState, type FormEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";

import { canDraftArticle, useArticleSearch, useDraftArticleFromTicket } from "../api/articles";

export type LinkedArticle = { id: number; title: string };

export function ArticleLinkPicker({
  linked,
  onChange,
}: {
  linked: LinkedArticle[];
  onChange: (next: LinkedArticle[]) => void;
}) {
  const [draft, setDraft] = useState("");
  const [query, setQuery] = useState("");
  const results = useArticleSearch(query);

  function find(event: FormEvent | React.KeyboardEvent) {
    event.preventDefault();
    setQuery(draft);
  }

  return (
    <div className="article-links" aria-label="Linked articles">
      {linked.length ? (
        <ul className="chips">
          {linked.map((a) => (
            <li key={a.id} className="chip">
              {a.title}{" "}
              <button type="button" aria-label={`Unlink ${a.title}`} onClick={() => onChange(linked.filter((x) => x.id !== a.id))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor="article-find" className="visually-hidden">
        Find an article to link
      </label>
      <input
        id="article-find"
        type="search"
        placeholder="Link a help article…"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => (e.key === "Enter" ? find(e) : undefined)}
      />
      <button type="button" onClick={find}>
        Find
      </button>
      {results.isError ? <ErrorMessage error={results.error} /> : null}
      {results.data?.length ? (
        <ul className="article-results">
          {results.data
            .filter((hit) => !linked.some((a) => a.id === hit.id))
            .map((hit) => (
              <li key={hit.id}>
                <button type="button" onClick={() => onChange([...linked, { id: hit.id, title: hit.title }].slice(0, 10))}>
                  Link “{hit.title}”
                </button>
              </li>
            ))}
        </ul>
      ) : results.data ? (
        <p className="muted">No published article matches.</p>
      ) : null}
    </div>
  );
}

export function DraftArticleButton({ ticketId, statusCategory }: { ticketId: number; statusCategory: string }) {
  const draft = useDraftArticleFromTicket(ticketId);
  if (!canDraftArticle(statusCategory)) return null;
  const made = draft.data?.translations[0];
  return (
    <div className="field">
      <button type="button" onClick={() => draft.mutate()} disabled={draft.isPending || draft.isSuccess}>
        {draft.isPending ? "Creating…" : "Create article from ticket"}
      </button>
      {made ? <p role="status">Draft “{made.title}” created in the knowledge base.</p> : null}
      {draft.isError ? <ErrorMessage error={draft.error} /> : null}
    </div>
  );
}
