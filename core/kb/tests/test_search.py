"""Full-text search: ranking, language stemming, locale fallback, visibility and tenant isolation."""

import pytest
from django.db import connection, connections

from kb import selectors, services
from kb.tests.conftest import make_article
from tenancy.context import tenant_context

pytestmark = pytest.mark.django_db

EVERYONE = ["public", "customers", "agents"]


def _search(tenant, text, locale=None, visibilities=EVERYONE, suggest=False):
    with tenant_context(tenant.id):
        return selectors.article_search(
            tenant=tenant, text=text, locale=locale, visibilities=visibilities, suggest=suggest
        )


def test_title_matches_rank_above_body_matches_with_escaped_snippets(two_tenants):
    agent = two_tenants.a.agent
    make_article(agent, "Shipping times", "Orders leave in two days. Invoices come by mail.")
    make_article(agent, "Invoices explained", "How to read an <invoice> and pay it.", body_format="html")
    results = _search(agent.tenant, "invoices")
    assert [r.title for r in results] == ["Invoices explained", "Shipping times"]
    assert "<mark>Invoices</mark>" in results[1].snippet_html
    assert "<invoice>" not in results[0].snippet_html  # the tag was sanitized away or escaped


def test_search_uses_the_language_of_the_locale(two_tenants):
    agent = two_tenants.a.agent
    tenant = services.kb_locales_set(tenant=agent.tenant, locales=["en", "de"], default_locale="en")
    article = make_article(agent, "Payments", "We accept cards.")
    services.article_translation_save(
        tenant=tenant,
        article=article,
        editor=agent,
        locale="de",
        title="Zahlungen",
        body="Wir akzeptieren Karten.",
    )
    # German stemming: "Karte" finds "Karten"; English stemming: "card" finds "cards".
    german = _search(tenant, "Karte", locale="de")
    assert [(r.locale, r.title) for r in german] == [("de", "Zahlungen")]
    assert [r.title for r in _search(tenant, "card", locale="en")] == ["Payments"]


def test_requested_locale_falls_back_to_default_for_untranslated_articles(two_tenants):
    agent = two_tenants.a.agent
    tenant = services.kb_locales_set(tenant=agent.tenant, locales=["en", "de"], default_locale="en")
    make_article(agent, "Refund policy", "Refunds within 30 days.")
    results = _search(tenant, "refund", locale="de")
    assert [(r.locale, r.title) for r in results] == [("en", "Refund policy")]


def test_drafts_archived_and_hidden_articles_are_not_found(two_tenants):
    agent = two_tenants.a.agent
    make_article(agent, "Router public", "router")
    make_article(agent, "Router customers", "router", visibility="customers")
    make_article(agent, "Router agents", "router", visibility="agents")
    make_article(agent, "Router draft", "router", status="draft")
    make_article(agent, "Router archived", "router", status="archived")

    def titles(vis):
        return sorted(r.title for r in _search(agent.tenant, "router", visibilities=vis))

    assert titles(["public"]) == ["Router public"]
    assert titles(["public", "customers"]) == ["Router customers", "Router public"]
    assert titles(EVERYONE) == ["Router agents", "Router customers", "Router public"]


def test_status_and_visibility_changes_reach_search_at_once(two_tenants):
    agent = two_tenants.a.agent
    article = make_article(agent, "Modem lights", "blinking modem", status="draft")
    found = lambda: [r.article_id for r in _search(agent.tenant, "modem", visibilities=["public"])]  # noqa: E731
    found_typed = lambda: [  # noqa: E731
        r.article_id for r in _search(agent.tenant, "mode", visibilities=["public"], suggest=True)
    ]
    assert found() == [] and found_typed() == []
    services.article_set_status(tenant=agent.tenant, article=article, status="published")
    assert found() == [article.id] and found_typed() == [article.id]
    services.article_update(tenant=agent.tenant, article=article, visibility="agents")
    assert found() == [] and found_typed() == []
    services.article_update(tenant=agent.tenant, article=article, visibility="public")
    services.article_translation_save(
        tenant=agent.tenant,
        article=article,
        editor=agent,
        locale="en",
        title="Router lights",
        body="blinking",
    )
    assert found() == [] and found_typed() == []  # the old words are gone from both indexes
    services.article_set_status(tenant=agent.tenant, article=article, status="archived")
    assert [r.article_id for r in _search(agent.tenant, "router", visibilities=["public"])] == []


def test_suggest_matches_prefixes_and_any_word(two_tenants):
    agent = two_tenants.a.agent
    make_article(agent, "Reset your password", "Use the forgot link.")
    make_article(agent, "Two-factor login", "Codes by app.")
    assert [r.title for r in _search(agent.tenant, "how do I reset my passw", suggest=True)] == [
        "Reset your password"
    ]
    found = {r.title for r in _search(agent.tenant, "password or login", suggest=True)}
    assert found == {"Reset your password", "Two-factor login"}
    assert _search(agent.tenant, "the and of", suggest=True) == []  # only stop words


def test_suggest_with_very_long_words_still_answers(two_tenants):
    """The typed text is cut before the tsquery is built; cutting the tsquery itself left an
    unclosed quote (a PostgreSQL syntax error, a 500) once it passed 500 characters."""
    agent = two_tenants.a.agent
    make_article(agent, "Reset your password", "Use the forgot link.")
    assert _search(agent.tenant, "0" * 600, suggest=True) == []
    assert _search(agent.tenant, " ".join(["x" * 95] * 5 + ["passw"]), suggest=True)[0].title == (
        "Reset your password"
    )


def test_search_never_returns_another_tenants_articles(two_tenants):
    make_article(two_tenants.a.agent, "Acme widgets", "widget manual")
    make_article(two_tenants.b.agent, "Globex widgets", "widget manual")
    assert [r.title for r in _search(two_tenants.a.tenant, "widget")] == ["Acme widgets"]
    assert [r.title for r in _search(two_tenants.b.tenant, "widget", suggest=True)] == ["Globex widgets"]


def test_search_function_without_tenant_setting_returns_nothing(two_tenants):
    make_article(two_tenants.a.agent, "Secret widgets", "widget")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM kb_search('widget', '', true, 'en', 'english', 'en', 'english', "
            "ARRAY['public'], 10, false)"
        )
        assert cursor.fetchone()[0] == 0
    with tenant_context(two_tenants.a.tenant.id), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM kb_search('widget', '', true, 'en', 'english', 'en', 'english', "
            "ARRAY['public'], 10, false)"
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(databases=["default", "owner"])
def test_search_index_leads_with_tenant_and_function_bypasses_rls_as_owner():
    """The (tenant_id, search_vector) btree_gin index exists, and kb_search runs as a role
    that RLS does not apply to (else `@@` could not use the index; see kb/search.py)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'kb_translation_search_idx'")
        assert "gin (tenant_id, search_vector)" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT p.prosecdef, r.rolsuper OR r.rolbypassrls FROM pg_proc p "
            "JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = 'kb_search'"
        )
        assert cursor.fetchone() == (True, True)
