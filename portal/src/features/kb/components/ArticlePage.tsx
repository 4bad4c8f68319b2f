// One help article, with "Was this helpful?".
import { useEffect } from "react";
import { Link, useParams } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { formatDateTime } from "@/lib/format";

import { recordView, useArticle, useVote } from "../api/kb";

function Helpful({ slug }: { slug: string }) {
  const vote = useVote(slug);
  if (vote.isSuccess) return <p role="status">Thanks for your feedback!</p>;
  return (
    <div className="helpful" role="group" aria-label="Was this article helpful?">
      <span>Was this article helpful?</span>
      <button type="button" disabled={vote.isPending} onClick={() => vote.mutate(true)}>
        Yes
      </button>
      <button type="button" disabled={vote.isPending} onClick={() => vote.mutate(false)}>
        No
      </button>
      {vote.isError ? <ErrorMessage error={vote.error} /> : null}
    </div>
  );
}

export function ArticlePage() {
  const slug = useParams().slug ?? "";
  const article = useArticle(slug);

  useEffect(() => {
    if (slug) void recordView(slug).catch(() => undefined); // a lost view count is not worth an error
  }, [slug]);

  if (article.isPending) return <Loading label="Loading the article…" />;
  if (article.isError) return <ErrorMessage error={article.error} onRetry={() => void article.refetch()} />;
  const a = article.data;
  return (
    <article className="stack narrow">
      <p>
        <Link to="/help">← Help center</Link>
      </p>
      <h1>{a.title}</h1>
      <p className="muted">Updated {formatDateTime(a.updated_at)}</p>
      {/* body_html is sanitized by core (nh3 allow-list) when the article is saved. */}
      <div className="article-body" dangerouslySetInnerHTML={{ __html: a.body_html }} />
      <Helpful slug={a.slug} />
    </article>
  );
}
