"""Knowledge base services: versions, diffs, restore, translations, counting, deflection, files."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kb import selectors, services
from kb.content import unified_diff
from kb.models import ArticleVersion, DeflectionEvent
from kb.tests.conftest import make_article
from tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def test_every_save_is_a_version_and_restore_makes_a_new_one(two_tenants):
    agent = two_tenants.a.agent
    tenant = agent.tenant
    article = make_article(agent, "Reset your password", "Step one.")
    services.article_translation_save(
        tenant=tenant,
        article=article,
        editor=agent,
        locale="en",
        title="Reset your password",
        body="Step two.",
    )
    with tenant_context(tenant.id):
        versions = list(selectors.version_list(tenant=tenant, article=article))
        assert [v.number for v in versions] == [2, 1]
        first = selectors.version_get(tenant=tenant, article=article, locale="en", number=1)
    translation = services.article_version_restore(
        tenant=tenant, article=article, version=first, editor=agent
    )
    assert translation.version == 3
    assert translation.body_source == "Step one."
    with tenant_context(tenant.id):
        newest = selectors.version_get(tenant=tenant, article=article, locale="en", number=3)
        assert newest.note == "restored version 1"
        assert ArticleVersion.objects.filter(article=article).count() == 3


def test_diff_shows_changed_lines():
    diff = unified_diff("a\nb\n", "a\nc\n", old_label="v1", new_label="v2")
    assert "-b\n" in diff and "+c\n" in diff and diff.startswith("--- v1")


def test_translations_fall_back_to_the_tenant_default(two_tenants):
    agent = two_tenants.a.agent
    tenant = services.kb_locales_set(tenant=agent.tenant, locales=["en", "de", "fr"], default_locale="en")
    article = make_article(agent, "Billing", "English body")
    services.article_translation_save(
        tenant=tenant, article=article, editor=agent, locale="de", title="Rechnung", body="Deutsch"
    )
    with tenant_context(tenant.id):
        loaded = selectors.article_get(tenant=tenant, article_id=article.id)
        assert selectors.pick_translation(loaded, "de", "en").title == "Rechnung"
        assert selectors.pick_translation(loaded, "fr", "en").title == "Billing"
    with pytest.raises(ValidationError):
        services.article_translation_save(
            tenant=tenant, article=article, editor=agent, locale="it", title="x", body="y"
        )


def test_locales_are_validated(two_tenants):
    with pytest.raises(ValidationError):
        services.kb_locales_set(tenant=two_tenants.a.tenant, locales=["en", "<script>"], default_locale="en")


def test_slugs_are_unique_per_tenant_only(two_tenants):
    make_article(two_tenants.a.agent, "Same title")
    with pytest.raises(ValidationError):
        make_article(two_tenants.a.agent, "Same title")
    make_article(two_tenants.b.agent, "Same title")  # another tenant may use it


def test_views_and_votes_count_once_per_visitor_per_day(two_tenants):
    agent = two_tenants.a.agent
    tenant = agent.tenant
    article = make_article(agent, "Counting")
    assert services.article_view_record(tenant=tenant, article=article, visitor="v1") is True
    assert services.article_view_record(tenant=tenant, article=article, visitor="v1") is False
    assert services.article_view_record(tenant=tenant, article=article, visitor="v2") is True
    assert services.article_vote_record(tenant=tenant, article=article, visitor="v1", helpful=True) is True
    assert services.article_vote_record(tenant=tenant, article=article, visitor="v1", helpful=False) is False
    assert services.article_vote_record(tenant=tenant, article=article, visitor="v2", helpful=False) is True
    with tenant_context(tenant.id):
        article.refresh_from_db()
    assert (article.view_count, article.helpful_yes, article.helpful_no) == (2, 1, 1)


def test_draft_from_text_keeps_the_text_as_written(two_tenants):
    agent = two_tenants.a.agent
    article = services.article_draft_from_text(
        tenant=agent.tenant,
        author=agent,
        title="Printer jams",
        body="Open tray <2>.\nPull paper.\n\nDone *now*.",
    )
    assert article.status == "draft"
    with tenant_context(agent.tenant_id):
        translation = selectors.article_get(tenant=agent.tenant, article_id=article.id).translations.get()
    assert translation.body_html == "<p>Open tray &lt;2&gt;.<br>Pull paper.</p>\n<p>Done *now*.</p>"
    again = services.article_draft_from_text(
        tenant=agent.tenant, author=agent, title="Printer jams", body="x"
    )
    assert again.slug == "printer-jams-2"
    with pytest.raises(ValidationError):
        services.article_draft_from_text(
            tenant=agent.tenant, author=two_tenants.a.customer, title="No", body="customers cannot"
        )


def test_deflections_count_forms_without_a_ticket_after_the_grace_period(two_tenants):
    agent = two_tenants.a.agent
    tenant = agent.tenant
    article = make_article(agent, "Deflect me")
    for form in ("f1", "f1", "f2", "f3"):
        services.deflection_open(
            tenant=tenant, article=article, form_session=form, query="q", visitor="v", membership=None
        )
    assert services.deflection_mark_submitted(tenant=tenant, form_session="f3") == 1
    with tenant_context(tenant.id):
        DeflectionEvent.objects.update(opened_at=timezone.now() - datetime.timedelta(hours=1))
        since = timezone.now() - datetime.timedelta(days=1)
        assert selectors.deflection_count(tenant=tenant, since=since, until=timezone.now()) == 2
        # Still within the grace period: not counted yet.
        assert (
            selectors.deflection_count(
                tenant=tenant, since=since, until=timezone.now(), grace=datetime.timedelta(hours=2)
            )
            == 0
        )
    with tenant_context(two_tenants.b.tenant.id):
        assert selectors.deflection_count(tenant=two_tenants.b.tenant, since=since, until=timezone.now()) == 0


def test_attachments_are_sniffed_sized_and_hashed(two_tenants):
    agent = two_tenants.a.agent
    article = make_article(agent, "With image")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    attachment = services.attachment_create(
        tenant=agent.tenant, article=article, uploaded_by=agent, filename="../x.html", data=png
    )
    assert attachment.content_type == "image/png"
    assert attachment.filename == "x.html"
    assert len(attachment.sha256) == 64
    with pytest.raises(ValidationError):
        services.attachment_create(
            tenant=agent.tenant, article=article, uploaded_by=agent, filename="a.png", data=b"<html>"
        )
    with pytest.raises(ValidationError):
        services.attachment_create(
            tenant=agent.tenant, article=article, uploaded_by=agent, filename="a.png", data=png * 100_000
        )


def test_services_refuse_objects_of_another_tenant(two_tenants):
    article = make_article(two_tenants.a.agent, "Mine")
    with pytest.raises(ValidationError):
        services.article_set_status(tenant=two_tenants.b.tenant, article=article, status="draft")


def test_publishing_records_one_internal_event_with_its_schema(two_tenants):
    from contracts.events import EventEnvelope
    from contracts.payloads import ArticlePublishedV1
    from events.models import OutboxEvent

    agent = two_tenants.a.agent
    tenant = agent.tenant
    article = make_article(agent, "Launch notes", status="draft")

    def events():
        with tenant_context(tenant.id):
            return [
                EventEnvelope.model_validate(e.envelope)
                for e in OutboxEvent.objects.filter(type="kb.article_published").order_by("id")
            ]

    assert events() == []
    services.article_set_status(tenant=tenant, article=article, status="published", actor=agent)
    services.article_set_status(tenant=tenant, article=article, status="published", actor=agent)  # no change
    (envelope,) = events()
    assert envelope.visibility == "internal" and envelope.subject_id == article.id
    assert envelope.actor.id == agent.user_id
    assert ArticlePublishedV1.model_validate(envelope.data) == ArticlePublishedV1(
        article_id=article.id, slug="launch-notes", visibility="public", locales=["en"]
    )
    make_article(agent, "Born published")  # created published: one more event
    assert len(events()) == 2
