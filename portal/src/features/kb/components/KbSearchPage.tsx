// Help center search results, with the matching words highlighted.
import { Link, useSearchParams } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { useKbSearch } from "../api/kb";
import { SearchBox } from "./HelpCenter";
import { HtmlSnippet } from "./HtmlSnippet";

export function KbSearchPage() {
  const [params] = useSearchParams();
  const q = params.get("q") ?? "";
  const results = useKbSearch(q);
  return (
    <div className="stack">
      <p>
        <Link to="/help">← Help center</Link>
      </p>
      <h1>Search</h1>
      <SearchBox key={q} initial={q} />
      {!q.trim() ? null : results.isPending ? (
        <Loading label="Searching…" />
      ) : results.isError ? (
        <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />
      ) : results.data.length === 0 ? (
        <EmptyState title="No matching articles">
          <p>Try other words, or send us a request and we will help.</p>
        </EmptyState>
      ) : (
        <ol className="search-results" aria-label="Search results">
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
