"""Semantic suggest: meaning finds articles sharing no keyword; keywords alone when the AI is not there.

The semantic test runs the real AI service (uvicorn) with the MiniLM model when the model
package is installed in the venv (as in CI); without it, the same test proves the fallback.
"""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from ai.embeddings import model_files
from ai.tests.server import free_port, running_ai_server
from kb import semantic, services
from kb.locales import tenant_locales
from kb.models import ArticleEmbedding
from kb.tasks import embed_pending
from kb.tests.conftest import make_article
from tenancy.context import tenant_context
from testing.http_receiver import start_receiver
from triage.ai_client import AIUnavailable

pytestmark = pytest.mark.django_db
TOKEN = "kb-semantic-test-token"
QUERY = "can't sign in"


@pytest.fixture(scope="module")
def ai_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_ai_server(TOKEN, Path(tmp_path_factory.mktemp("ai"))) as base:
        yield base


@pytest.fixture
def library(two_tenants):
    agent = two_tenants.a.agent
    return {
        # Shares no word with QUERY ("can", "t", "sign", "in").
        "password": make_article(agent, "Reset your password", "Choose a new password from the reset link."),
        "parcel": make_article(agent, "Track your parcel", "Follow the courier on the tracking page."),
        "billing": make_article(agent, "Change your billing address", "Open the billing settings."),
        "agents": make_article(
            agent, "Reset a password for a locked user", "Admin console steps.", visibility="agents"
        ),
        "draft": make_article(agent, "Reset your password quickly", "Draft text.", status="draft"),
        # Shares the word "sign": found by keywords.
        "keyword": make_article(agent, "Sign the contract", "Use the e-signature button."),
    }


def suggest(world, q=QUERY) -> tuple[list[str], str, float]:
    client = Client(HTTP_HOST=f"{world.tenant.slug}.localhost")
    started = time.monotonic()
    response = client.get("/api/v1/kb/suggest", {"q": q, "limit": 5})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.content
    return [a["slug"] for a in response.json()], response["X-Suggest-Mode"], elapsed


def test_meaning_finds_an_article_that_shares_no_keyword(two_tenants, library, ai_url):
    a, b = two_tenants.a, two_tenants.b
    make_article(b.agent, "Reset your password (tenant B)", "Choose a new password.")
    # Keywords alone cannot find it.
    with override_settings(AI_URL=""):
        slugs, mode, _ = suggest(a)
    assert mode == "keyword" and library["password"].slug not in slugs
    assert slugs == [library["keyword"].slug]

    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN, KB_SEMANTIC_TIMEOUT_SECONDS=10):
        if model_files() is None:
            # No model in this venv: the service says so, nothing is stored, suggest keeps to keywords.
            with pytest.raises(AIUnavailable):
                embed_pending(tenant_id=a.tenant.id)
            slugs, mode, _ = suggest(a)
            assert mode == "keyword" and library["password"].slug not in slugs
            return
        # The worker's job: vectors of every published translation (not the draft).
        assert embed_pending(tenant_id=a.tenant.id) == 5
        assert embed_pending(tenant_id=b.tenant.id) == 1
        assert embed_pending(tenant_id=a.tenant.id) == 0  # unchanged texts are not embedded again
        services.article_translation_save(
            tenant=a.tenant,
            article=library["parcel"],
            editor=a.agent,
            locale=tenant_locales(a.tenant)[0],
            title="Track your parcel",
            body="Follow the courier.",
        )
        assert embed_pending(tenant_id=a.tenant.id) == 1  # an edited one is
        slugs, mode, _ = suggest(a)
        b_slugs, _, _ = suggest(b)

    assert mode == "hybrid"
    assert slugs[0] == library["password"].slug
    assert library["keyword"].slug in slugs  # the keyword match is kept
    # Never an agents-only or draft article to an anonymous visitor, nor another tenant's.
    assert library["agents"].slug not in slugs and library["draft"].slug not in slugs
    assert set(b_slugs) == {"reset-your-password-tenant-b"}
    with tenant_context(a.tenant.id):
        assert ArticleEmbedding.objects.filter(tenant=a.tenant).count() == 5


def test_ai_down_answers_from_keywords(two_tenants, library):
    with override_settings(AI_URL=f"http://127.0.0.1:{free_port()}", AI_TOKEN=TOKEN):
        slugs, mode, elapsed = suggest(two_tenants.a)
    assert mode == "keyword" and slugs == [library["keyword"].slug]
    assert elapsed < 2


def test_ai_slow_answers_from_keywords_within_the_timeout(two_tenants, library):
    slow = start_receiver()
    slow.delay = 3.0
    try:
        base = slow.url.removesuffix("/hook")
        with override_settings(AI_URL=base, AI_TOKEN=TOKEN, KB_SEMANTIC_TIMEOUT_SECONDS=0.05):
            slugs, mode, elapsed = suggest(two_tenants.a, q=f"{QUERY} please")
    finally:
        slow.stop()
    assert slow.arrivals == 1  # the AI service was asked...
    assert mode == "keyword" and slugs == [library["keyword"].slug]  # ...and not waited for
    assert elapsed < 2.0


def test_fusion_keeps_keyword_order_when_meaning_adds_nothing(two_tenants, library):
    """Unit check of the fusion on a hand-made matrix: a zero query vector leaves keyword order."""
    import numpy as np

    from kb import selectors

    a = two_tenants.a
    with tenant_context(a.tenant.id):
        keyword = selectors.article_search(
            tenant=a.tenant,
            text="password parcel billing",
            locale=None,
            visibilities=["public"],
            limit=10,
            suggest=True,
        )
        matrix = semantic.tenant_matrix(a.tenant)
    assert len(keyword) >= 3 and len(matrix.article_ids) == 0
    dims = 4
    fake = semantic.Matrix(
        generation=0,
        vectors=np.eye(dims, dtype="f4")[:3],
        article_ids=np.array([h.article_id for h in keyword[:3]]),
        locale_codes=np.zeros(3, dtype=np.int32),
        visibility_codes=np.zeros(3, dtype=np.int8),
        locales=["en"],
        titles=["x", "y", "z"],
        slugs=["x", "y", "z"],
        rows_of={h.article_id: [n] for n, h in enumerate(keyword[:3])},
    )
    fused = semantic._fuse(fake, np.zeros(dims, dtype="f4"), keyword, ["en"], ["public"], 10)
    assert [h.article_id for h in fused] == [h.article_id for h in keyword]
    # A query vector pointing at the third article lifts it to the top.
    pointed = semantic._fuse(fake, np.eye(dims, dtype="f4")[2], keyword, ["en"], ["public"], 10)
    assert pointed[0].article_id == keyword[2].article_id


def test_publishing_queues_the_embedding_job_once(two_tenants, django_capture_on_commit_callbacks):
    from contracts.events import EventEnvelope
    from events.models import OutboxEvent
    from kb.subscribers import handle

    a = two_tenants.a
    article = make_article(a.agent, "Reset your password", "Choose a new one.")
    with tenant_context(a.tenant.id):
        row = OutboxEvent.objects.get(tenant=a.tenant, type="kb.article_published", subject_id=article.id)
        event = EventEnvelope.model_validate(row.envelope)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            handle(event)
            handle(event)  # delivered twice: queued once
    assert len(callbacks) == 1
