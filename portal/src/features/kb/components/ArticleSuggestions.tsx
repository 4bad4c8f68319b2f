// Articles that may answer the request being typed; opening one is recorded as a possible
// deflection, and sending the form afterwards marks it as not deflected.
import { useTranslation } from "react-i18next";

import { useDebounced } from "@/lib/useDebounced";
import { SUGGEST_MIN_CHARS, recordDeflection, useSuggestions } from "../api/kb";

export function ArticleSuggestions({ draft, formSession }: { draft: string; formSession: string }) {
  const { t } = useTranslation();
  const settled = useDebounced(draft, 350);
  const suggestions = useSuggestions(settled);
  if (settled.trim().length < SUGGEST_MIN_CHARS || !suggestions.data?.length) return null;
  return (
    <section className="card suggestions" aria-label={t("kb.suggested")} aria-live="polite">
      <h2>{t("kb.suggestedTitle")}</h2>
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
