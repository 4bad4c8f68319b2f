"""Semantic matching behind KB suggest: article vectors per tenant in process, the query's from the AI.

Why an in-process matrix and not pgvector: the embedded PostgreSQL has no pgvector (and PyPI
does not ship it), and a tenant's knowledge base is small: 10,000 articles x 384 float32 is
15 MB, and a brute-force dot product over it takes about a millisecond. PostgreSQL keeps the
vectors (kb.models.ArticleEmbedding, bytea); each process builds a tenant's matrix on first
use and rebuilds it when the tenant's KB generation (kb/cache.py) moves, i.e. after any
publish, edit or new vector. At most MAX_TENANTS matrices are kept per process (LRU).

The matrix-vector product runs on one BLAS thread: OpenBLAS otherwise starts a thread per
core for it, and on a busy machine that took 25 ms instead of 1 ms (bench/kb_suggest.py); the
web process parallelises by requests, not inside one. The limit is set once, process-wide.

The query is embedded by the AI service on a worker thread while the keyword search runs in
the request thread; if no vector has come back within KB_SEMANTIC_TIMEOUT_SECONDS (service
down, slow, or without its model), suggest answers from keywords alone.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import httpx
import numpy as np
from django.conf import settings
from threadpoolctl import threadpool_limits

from kb import cache, selectors
from kb.locales import resolve_locale, tenant_default_locale
from kb.models import Visibility
from kb.search import Hit
from tenancy.models import Tenant

MAX_TENANTS = 32
CANDIDATES_PER_RESULT = 4  # keyword and semantic candidates fetched per suggestion wanted
_VISIBILITY_CODES = {v: n for n, v in enumerate(Visibility.values)}


@dataclass(frozen=True)
class Matrix:
    generation: int
    vectors: np.ndarray  # (n, d) float32, rows L2-normalised
    article_ids: np.ndarray  # (n,) int64
    locale_codes: np.ndarray  # (n,) int32, index into `locales`
    visibility_codes: np.ndarray  # (n,) int8
    locales: list[str]
    titles: list[str]
    slugs: list[str]
    rows_of: dict[int, list[int]] = field(default_factory=dict)


_lock = threading.Lock()
_matrices: OrderedDict[int, Matrix] = OrderedDict()


_blas_limited: list[bool] = []


def _one_blas_thread() -> None:
    if not _blas_limited:
        threadpool_limits(limits=1, user_api="blas")
        _blas_limited.append(True)


def tenant_matrix(tenant: Tenant) -> Matrix:
    """The tenant's published article vectors, rebuilt from PostgreSQL when the KB changed."""
    _one_blas_thread()
    generation = cache.generation(tenant.id)
    with _lock:
        matrix = _matrices.get(tenant.id)
        if matrix is not None and matrix.generation == generation:
            _matrices.move_to_end(tenant.id)
            return matrix
    rows = selectors.embedding_rows(tenant=tenant, model=settings.KB_EMBEDDING_MODEL)
    locales = sorted({r[1] for r in rows})
    locale_index = {loc: n for n, loc in enumerate(locales)}
    rows_of: dict[int, list[int]] = {}
    for n, row in enumerate(rows):
        rows_of.setdefault(row[0], []).append(n)
    raw = b"".join(bytes(r[2]) for r in rows)
    dims = len(bytes(rows[0][2])) // 4 if rows else 0
    matrix = Matrix(
        generation=generation,
        vectors=np.frombuffer(raw, dtype="<f4").reshape(len(rows), dims) if rows else np.zeros((0, 0), "f4"),
        article_ids=np.array([r[0] for r in rows], dtype=np.int64),
        locale_codes=np.array([locale_index[r[1]] for r in rows], dtype=np.int32),
        visibility_codes=np.array([_VISIBILITY_CODES.get(r[3], -1) for r in rows], dtype=np.int8),
        locales=locales,
        titles=[r[4] for r in rows],
        slugs=[r[5] for r in rows],
        rows_of=rows_of,
    )
    with _lock:
        _matrices[tenant.id] = matrix
        _matrices.move_to_end(tenant.id)
        while len(_matrices) > MAX_TENANTS:
            _matrices.popitem(last=False)
    return matrix


# -- the query's vector, from the AI service -------------------------------------------------

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kb-embed")
_clients: dict[int, httpx.Client] = {}
_recent: OrderedDict[str, np.ndarray] = OrderedDict()  # text -> vector; typing repeats itself
RECENT_MAX = 2048


def _http() -> httpx.Client:
    # One pooled client per process (keep-alive saves a connect per keystroke); not shared across fork.
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        client = _clients[pid] = httpx.Client(limits=httpx.Limits(max_keepalive_connections=4))
    return client


def _embed_query(tenant_id: int, text: str) -> np.ndarray | None:
    timeout = settings.KB_SEMANTIC_TIMEOUT_SECONDS
    try:
        response = _http().post(
            f"{settings.AI_URL.rstrip('/')}/v1/tenants/{tenant_id}/embed",
            json={"texts": [text]},
            headers={"Authorization": f"Bearer {settings.AI_TOKEN}"},
            timeout=httpx.Timeout(timeout, connect=timeout),
        )
        if response.status_code != 200:
            return None
        body = response.json()
        if body.get("model") != settings.KB_EMBEDDING_MODEL:
            return None  # vectors of different models are not comparable
        vector = np.frombuffer(base64.b64decode(body["vectors"][0]), dtype="<f4")
    except (httpx.HTTPError, ValueError, KeyError, IndexError):
        return None
    with _lock:
        _recent[text] = vector
        while len(_recent) > RECENT_MAX:
            _recent.popitem(last=False)
    return vector


def start_query_embedding(tenant_id: int, text: str) -> Future[np.ndarray | None] | None:
    """Ask for the query's vector in the background; None when semantic matching is off."""
    if not settings.AI_URL or not settings.AI_TOKEN or settings.KB_SEMANTIC_WEIGHT <= 0:
        return None
    with _lock:
        known = _recent.get(text)
    if known is not None:
        done: Future[np.ndarray | None] = Future()
        done.set_result(known)
        return done
    return _pool.submit(_embed_query, tenant_id, text)


def _wait(future: Future[np.ndarray | None] | None, deadline: float) -> np.ndarray | None:
    if future is None:
        return None
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        return None


# -- suggest: keyword ranking fused with semantic scores -------------------------------------


@dataclass(frozen=True)
class Suggestions:
    hits: list[Hit]
    semantic: bool  # False: keyword ranking only (AI down, slow, no model, or no vectors yet)


def article_suggest(
    *, tenant: Tenant, text: str, locale: str | None, visibilities: list[str], limit: int
) -> Suggestions:
    """Articles for a ticket being written: keyword rank and meaning, weighted (KB_SEMANTIC_WEIGHT)."""
    query = " ".join(text.split())[:1000]
    if not query:
        return Suggestions([], False)
    deadline = time.monotonic() + settings.KB_SEMANTIC_TIMEOUT_SECONDS
    pending = start_query_embedding(tenant.id, query)
    keyword = selectors.article_search(
        tenant=tenant,
        text=text,
        locale=locale,
        visibilities=visibilities,
        limit=limit * CANDIDATES_PER_RESULT if pending else limit,
        suggest=True,
    )
    vector = _wait(pending, deadline)
    matrix = tenant_matrix(tenant) if vector is not None else None
    if (
        vector is None
        or matrix is None
        or not len(matrix.article_ids)
        or vector.shape[0] != matrix.vectors.shape[1]
    ):
        return Suggestions(keyword[:limit], False)
    wanted = [resolve_locale(tenant, locale), tenant_default_locale(tenant)]
    return Suggestions(_fuse(matrix, vector, keyword, wanted, visibilities, limit), True)


def _fuse(
    matrix: Matrix,
    vector: np.ndarray,
    keyword: list[Hit],
    locales: list[str],
    visibilities: list[str],
    limit: int,
) -> list[Hit]:
    allowed_vis = [_VISIBILITY_CODES[v] for v in visibilities if v in _VISIBILITY_CODES]
    allowed_loc = [matrix.locales.index(loc) for loc in dict.fromkeys(locales) if loc in matrix.locales]
    mask = np.isin(matrix.visibility_codes, allowed_vis) & np.isin(matrix.locale_codes, allowed_loc)
    cosine = matrix.vectors @ vector
    cosine = np.where(mask, cosine, -1.0)
    weight = settings.KB_SEMANTIC_WEIGHT
    best_rank = max((h.rank for h in keyword), default=0.0) or 1.0

    scored: dict[int, tuple[float, Hit]] = {}
    for hit in keyword:
        rows = matrix.rows_of.get(hit.article_id, [])
        meaning = max((float(cosine[r]) for r in rows), default=0.0)
        score = (1 - weight) * hit.rank / best_rank + weight * max(meaning, 0.0)
        scored[hit.article_id] = (score, hit)
    k = min(limit * CANDIDATES_PER_RESULT, len(cosine))
    for row in np.argpartition(-cosine, k - 1)[:k]:
        meaning = float(cosine[row])
        article_id = int(matrix.article_ids[row])
        if meaning < settings.KB_SEMANTIC_MIN_SCORE or article_id in scored:
            continue
        found = Hit(
            0,
            article_id,
            matrix.locales[matrix.locale_codes[row]],
            0.0,
            "",
            matrix.titles[row],
            matrix.slugs[row],
        )
        scored[article_id] = (weight * meaning, found)
    ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].article_id))
    return [hit for _, hit in ranked[:limit]]
