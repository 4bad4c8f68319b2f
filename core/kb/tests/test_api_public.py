"""Public KB API: anonymous reading, audiences, HTTP caching, counting, deflection, isolation."""

import json

import pytest
from django.test import Client
from django.utils.http import http_date

from kb import services
from kb.models import ArticleTranslation
from kb.tests.conftest import make_article
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def anonymous(world) -> Client:
    return Client(HTTP_HOST=f"{world.tenant.slug}.localhost")


def post_json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


@pytest.fixture
def library(two_tenants):
    """Tenant A's articles, one of every status and audience, all matching "router"."""
    agent = two_tenants.a.agent
    articles = {
        "public": make_article(agent, "Router public", "Restart the router."),
        "customers": make_article(agent, "Router customers", "router", visibility="customers"),
        "agents": make_article(agent, "Router agents", "router internal", visibility="agents"),
        "draft": make_article(agent, "Router draft", "router", status="draft"),
        "archived": make_article(agent, "Router archived", "router", status="archived"),
    }
    for article in articles.values():
        services.attachment_create(
            tenant=agent.tenant, article=article, uploaded_by=agent, filename="shot.png", data=PNG
        )
    return articles


def _visible_everywhere(client, library) -> set[str]:
    """Which of the library's articles this client can reach, by every public route."""
    seen = set()
    listed = {a["slug"] for a in client.get("/api/v1/kb/articles").json()}
    searched = {a["slug"] for a in client.get("/api/v1/kb/search", {"q": "router"}).json()}
    suggested = {a["slug"] for a in client.get("/api/v1/kb/suggest", {"q": "router", "limit": 10}).json()}
    for name, article in library.items():
        slug = article.slug
        routes = {
            "detail": client.get(f"/api/v1/kb/articles/{slug}").status_code == 200,
            "list": slug in listed,
            "search": slug in searched,
            "suggest": slug in suggested,
            "view": client.post(f"/api/v1/kb/articles/{slug}/view").status_code == 200,
            "vote": post_json(client, f"/api/v1/kb/articles/{slug}/vote", {"helpful": True}).status_code
            == 200,
            "attachment": client.get(
                f"/api/v1/kb/articles/{slug}/attachments/{article.attachments.get().id}"
            ).status_code
            == 200,
            "deflection": post_json(
                client,
                "/api/v1/kb/deflections",
                {"article_id": article.id, "form_session": "f", "query": "q"},
            ).status_code
            == 201,
        }
        assert len(set(routes.values())) == 1, f"{name}: routes disagree: {routes}"
        if routes["detail"]:
            seen.add(name)
    return seen


def test_anonymous_visitors_see_only_published_public_articles(two_tenants, library):
    with tenant_context(two_tenants.a.tenant.id):
        assert _visible_everywhere(anonymous(two_tenants.a), library) == {"public"}


def test_customers_see_customer_articles_but_never_agents_only_or_drafts(two_tenants, library):
    with tenant_context(two_tenants.a.tenant.id):
        assert _visible_everywhere(session_client(two_tenants.a.customer), library) == {"public", "customers"}


def test_agents_read_agents_only_articles_but_drafts_stay_in_manage(two_tenants, library):
    with tenant_context(two_tenants.a.tenant.id):
        assert _visible_everywhere(session_client(two_tenants.a.agent), library) == {
            "public",
            "customers",
            "agents",
        }


def test_another_tenants_host_sees_none_of_them(two_tenants, library):
    with tenant_context(two_tenants.a.tenant.id):
        assert _visible_everywhere(anonymous(two_tenants.b), library) == set()
        assert _visible_everywhere(session_client(two_tenants.b.owner), library) == set()


def test_public_id_endpoints_are_tenant_isolated(two_tenants, library):
    article = library["public"]
    with tenant_context(two_tenants.a.tenant.id):
        attachment_id = article.attachments.get().id
    base = f"/api/v1/kb/articles/{article.slug}"
    assert_other_tenant_gets_404(two_tenants, "get", base)
    assert_other_tenant_gets_404(two_tenants, "post", f"{base}/view", data={})
    assert_other_tenant_gets_404(two_tenants, "post", f"{base}/vote", data={"helpful": False})
    assert_other_tenant_gets_404(two_tenants, "get", f"{base}/attachments/{attachment_id}")
    assert_other_tenant_gets_404(
        two_tenants, "post", "/api/v1/kb/deflections", data={"article_id": article.id, "form_session": "x"}
    )


def test_article_detail_has_etag_and_last_modified_and_answers_304(two_tenants, library):
    client = anonymous(two_tenants.a)
    path = f"/api/v1/kb/articles/{library['public'].slug}"
    first = client.get(path)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public")
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200
    signed_in = session_client(two_tenants.a.customer).get(path)
    assert signed_in["Cache-Control"].startswith("private")


def test_hot_pages_come_from_redis_until_a_publish_drops_them(two_tenants, library):
    agent = two_tenants.a.agent
    article = library["public"]
    client = anonymous(two_tenants.a)
    path = f"/api/v1/kb/articles/{article.slug}"
    before = client.get(path)
    assert before.json()["title"] == "Router public"
    # A write behind the services' back is not seen: the page is served from the cache.
    with tenant_context(agent.tenant_id):
        ArticleTranslation.objects.filter(article=article).update(title="Changed quietly")
    cached = client.get(path)
    assert cached.json()["title"] == "Router public"
    assert client.get(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    services.article_set_status(tenant=agent.tenant, article=article, status="published")
    fresh = client.get(path)
    assert fresh.json()["title"] == "Changed quietly"
    assert fresh["ETag"] != before["ETag"]
    # Unpublishing removes it at once, even though it was cached.
    services.article_set_status(tenant=agent.tenant, article=article, status="draft")
    assert client.get(path).status_code == 404


def test_the_cache_is_per_audience(two_tenants, library):
    # An agent's cached page of an agents-only article must not be served to anyone else.
    path = f"/api/v1/kb/articles/{library['agents'].slug}"
    assert session_client(two_tenants.a.agent).get(path).status_code == 200
    assert anonymous(two_tenants.a).get(path).status_code == 404
    assert session_client(two_tenants.a.customer).get(path).status_code == 404


def test_locale_is_served_with_fallback_to_default(two_tenants):
    agent = two_tenants.a.agent
    tenant = services.kb_locales_set(tenant=agent.tenant, locales=["en", "de", "fr"], default_locale="en")
    article = make_article(agent, "Delivery", "English")
    services.article_translation_save(
        tenant=tenant, article=article, editor=agent, locale="de", title="Lieferung", body="Deutsch"
    )
    client = anonymous(two_tenants.a)
    path = f"/api/v1/kb/articles/{article.slug}"
    assert client.get(path, {"locale": "de"}).json()["title"] == "Lieferung"
    assert client.get(path, {"locale": "de-AT"}).json()["title"] == "Lieferung"
    fallback = client.get(path, {"locale": "fr"}).json()
    assert (fallback["title"], fallback["locale"], fallback["locales"]) == ("Delivery", "en", ["de", "en"])
    assert client.get("/api/v1/kb/locales").json() == {"locales": ["en", "de", "fr"], "default_locale": "en"}


def test_views_and_votes_count_once_per_visitor_per_day(two_tenants, library):
    slug = library["public"].slug
    client = anonymous(two_tenants.a)
    assert client.post(f"/api/v1/kb/articles/{slug}/view").json() == {"counted": True}
    assert client.post(f"/api/v1/kb/articles/{slug}/view").json() == {"counted": False}
    other_browser = Client(HTTP_HOST="acme.localhost", HTTP_USER_AGENT="other")
    assert other_browser.post(f"/api/v1/kb/articles/{slug}/view").json() == {"counted": True}
    assert post_json(client, f"/api/v1/kb/articles/{slug}/vote", {"helpful": False}).json() == {
        "counted": True
    }
    assert post_json(client, f"/api/v1/kb/articles/{slug}/vote", {"helpful": True}).json() == {
        "counted": False
    }
    assert post_json(client, f"/api/v1/kb/articles/{slug}/vote", {"helpful": "maybe"}).status_code == 422
    services.article_set_status(tenant=two_tenants.a.tenant, article=library["public"], status="published")
    body = client.get(f"/api/v1/kb/articles/{slug}").json()
    assert (body["view_count"], body["helpful_yes"], body["helpful_no"]) == (2, 0, 1)


def test_deflection_events_are_recorded_and_closed_by_submission(two_tenants, library):
    client = session_client(two_tenants.a.customer)
    article = library["public"]
    created = post_json(
        client,
        "/api/v1/kb/deflections",
        {"article_id": article.id, "form_session": "form-1", "query": "router"},
    )
    assert created.status_code == 201
    assert post_json(client, "/api/v1/kb/deflections/submitted", {"form_session": "form-1"}).json() == {
        "updated": 1
    }
    # Another tenant cannot close this tenant's form.
    assert post_json(
        session_client(two_tenants.b.customer), "/api/v1/kb/deflections/submitted", {"form_session": "form-1"}
    ).json() == {"updated": 0}
    bad = post_json(client, "/api/v1/kb/deflections", {"article_id": article.id, "form_session": ""})
    assert bad.status_code == 422


def test_attachment_download_is_a_safe_download(two_tenants, library):
    article = library["public"]
    with tenant_context(two_tenants.a.tenant.id):
        attachment = article.attachments.get()
    response = anonymous(two_tenants.a).get(f"/api/v1/kb/articles/{article.slug}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="shot.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_categories_are_ordered_with_sections(two_tenants):
    tenant = two_tenants.a.tenant
    later = services.category_create(tenant=tenant, name="Later", position=2)
    first = services.category_create(tenant=tenant, name="First", position=1)
    services.section_create(tenant=tenant, category=first, name="B", position=2)
    services.section_create(tenant=tenant, category=first, name="A", position=1)
    body = anonymous(two_tenants.a).get("/api/v1/kb/categories").json()
    assert [c["name"] for c in body] == ["First", "Later"]
    assert [s["name"] for s in body[0]["sections"]] == ["A", "B"]
    assert later.id in {c["id"] for c in body}
    assert anonymous(two_tenants.b).get("/api/v1/kb/categories").json() == []


def test_bad_input_gets_4xx_not_500(two_tenants, library):
    client = anonymous(two_tenants.a)
    assert client.get("/api/v1/kb/search", {"q": ""}).status_code == 422
    assert client.get("/api/v1/kb/search", {"q": "x" * 600}).status_code == 422
    assert client.get("/api/v1/kb/search", {"q": "\"unbalanced ' & | ! :* ("}).status_code == 200
    assert client.get("/api/v1/kb/suggest", {"q": "':* & | !(("}).status_code == 200
    assert client.get("/api/v1/kb/suggest", {"q": "router", "limit": 0}).status_code == 422
    assert client.get("/api/v1/kb/articles/nope").status_code == 404
    assert client.get("/api/v1/kb/articles", {"limit": 1000}).status_code == 422
    assert client.get("/api/v1/kb/articles", HTTP_HOST="nosuch.localhost").status_code == 404
    assert Client(HTTP_HOST="localhost").get("/api/v1/kb/articles").status_code == 404


def test_list_endpoints_keep_a_constant_query_count(two_tenants):
    """No N+1: listing 2 or 6 articles (with translations and files) costs the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = two_tenants.a.agent
    client = anonymous(two_tenants.a)

    def count(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured.captured_queries)

    for n in range(2):
        make_article(agent, f"Few {n}", tags=["t"])
    few = count("/api/v1/kb/articles"), count("/api/v1/kb/search?q=few"), count("/api/v1/kb/suggest?q=few")
    for n in range(4):
        make_article(agent, f"Few more {n}", tags=["t"])
    many = count("/api/v1/kb/articles"), count("/api/v1/kb/search?q=few"), count("/api/v1/kb/suggest?q=few")
    assert few == many
    assert many[0] <= 8, many
