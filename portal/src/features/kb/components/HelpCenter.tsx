// The help center's front page: a search box and every category with its articles.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { useCategories, useCategoryArticles, type Category } from "../api/kb";

export function SearchBox({ initial = "" }: { initial?: string }) {
  const [q, setQ] = useState(initial);
  const navigate = useNavigate();
  function submit(event: FormEvent) {
    event.preventDefault();
    if (q.trim()) navigate(`/help/search?q=${encodeURIComponent(q.trim())}`);
  }
  return (
    <form role="search" onSubmit={submit} className="search">
      <label htmlFor="kb-search" className="visually-hidden">
        Search the help center
      </label>
      <input
        id="kb-search"
        type="search"
        placeholder="Search the help center"
        value={q}
        maxLength={500}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className="primary">
        Search
      </button>
    </form>
  );
}

function CategoryCard({ category }: { category: Category }) {
  const articles = useCategoryArticles(category.id);
  return (
    <li className="card">
      <h2>{category.name}</h2>
      {category.description ? <p className="muted">{category.description}</p> : null}
      {articles.isPending ? (
        <Loading label="Loading articles…" />
      ) : articles.isError ? (
        <ErrorMessage error={articles.error} />
      ) : articles.data.length === 0 ? (
        <p className="muted">No articles yet.</p>
      ) : (
        <ul className="article-links">
          {articles.data.map((a) => (
            <li key={a.id}>
              <Link to={`/help/articles/${encodeURIComponent(a.slug)}`}>{a.title}</Link>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function HelpCenter() {
  const categories = useCategories();
  return (
    <div className="stack">
      <h1>Help center</h1>
      <SearchBox />
      {categories.isPending ? (
        <Loading />
      ) : categories.isError ? (
        <ErrorMessage error={categories.error} onRetry={() => void categories.refetch()} />
      ) : categories.data.length === 0 ? (
        <EmptyState title="No articles yet">
          <p>The help center is still being written. Search may still find something.</p>
        </EmptyState>
      ) : (
        <ul className="cards" aria-label="Categories">
          {categories.data.map((c) => (
            <CategoryCard key={c.id} category={c} />
          ))}
        </ul>
      )}
    </div>
  );
}
