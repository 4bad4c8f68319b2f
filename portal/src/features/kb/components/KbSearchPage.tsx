// Help center search results, with the matching words highlighted.
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { useKbSearch } from "../api/kb";
import { SearchBox } from "./HelpCenter";
import { HtmlSnippet } from "./HtmlSnippet";

export function KbSearchPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const q = params.get("q") ?? "";
  const results = useKbSearch(q);
  return (
    <div className="stack">
      <p>
        <Link to="/help">{t("kb.backToHelp")}</Link>
      </p>
      <h1>{t("kb.search")}</h1>
      <SearchBox key={q} initial={q} />
      {!q.trim() ? null : results.isPending ? (
        <Loading label={t("kb.searching")} />
      ) : results.isError ? (
        <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />
      ) : results.data.length === 0 ? (
        <EmptyState title={t("kb.noMatches")}>
          <p>{t("kb.noMatchesBody")}</p>
        </EmptyState>
      ) : (
        <ol className="search-results" aria-label={t("kb.results")}>
          {results.data.map((hit) => (
            <li key={hit.id} className="card">
              <Link to={`/help/articles/${encodeURIComponent(hit.slug)}`}>{hit.title}</Link>
              <p className="muted">
                <HtmlSnippet html={hit.snippet_html} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
