// Articles that may answer the request being typed; opening one is recorded as a possible
// deflection, and sending the form afterwards marks it as not deflected.
import { useDebounced } from "@/lib/useDebounced";
import { SUGGEST_MIN_CHARS, recordDeflection, useSuggestions } from "../api/kb";

export function ArticleSuggestions({ draft, formSession }: { draft: string; formSession: string }) {
  const settled = useDebounced(draft, 350);
  const suggestions = useSuggestions(settled);
  if (settled.trim().length < SUGGEST_MIN_CHARS || !suggestions.data?.length) return null;
  return (
    <section className="card suggestions" aria-label="Suggested articles" aria-live="polite">
      <h2>These articles may answer your question</h2>
      <ul className="article-links">
        {suggestions.data.map((s) => (
          <li key={s.id}>
            <a
              href={`/help/articles/${encodeURIComponent(s.slug)}`}
              target="_blank"
              rel="noopener"
              onClick={() =>
                void recordDeflection({ article_id: s.id, form_session: formSession, query: settled.slice(0, 500) }).catch(
                  () => undefined,
                )
              }
            >
              {s.title}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
