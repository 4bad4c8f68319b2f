"""The first run shows everything: the demo seed gives each page data to show."""

from collections import Counter

import pytest
from django.utils import timezone

from csat.models import CsatSurvey
from demo.corpus import CATEGORIES
from demo.seed import seed_demo
from events.relay import relay_tenant
from kb.models import ArticleTranslation
from sla.api import clock_state
from sla.models import SlaClock
from sla.services.clocks import elapsed
from sla.services.sweep import sla_fire_due
from tenancy.context import tenant_context
from tenancy.selectors import membership_list, tenant_by_slug
from testing.factories import session_client
from tickets.tests.helpers import call
from triage.models import TrainingJob
from triage.selectors import labelled_examples

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    seed_demo()
    tenant = tenant_by_slug(slug="acme")
    while relay_tenant(tenant.id, batch=500):  # what the worker does after `make run` seeds
        pass
    sla_fire_due(now=timezone.now())  # and the first SLA sweep: breaches
    with tenant_context(tenant.id):
        members = {m.user.email: m for m in membership_list(tenant=tenant).select_related("user")}
    return tenant, members


def test_first_run_has_data_for_every_page(acme):
    """One seed for every check: seeding and relaying four weeks takes a while."""
    _labelled_tickets_over_several_categories_train_a_model(acme)
    _sla_clocks_in_every_state_and_the_at_risk_queue(acme)
    _kb_csat_reports_and_the_owners_view_have_data(acme)


def _labelled_tickets_over_several_categories_train_a_model(acme):
    tenant, _ = acme
    with tenant_context(tenant.id):
        examples = labelled_examples(tenant=tenant)
        jobs = list(TrainingJob.objects.filter(tenant=tenant))
    per_category = Counter(category for _, category in examples)
    assert len(examples) >= 60
    assert set(per_category) == set(CATEGORIES) and min(per_category.values()) >= 8
    assert len({text for text, _ in examples}) == len(examples)  # no two alike
    assert [job.status for job in jobs] == ["queued"]  # the worker trains it after the seed


def _sla_clocks_in_every_state_and_the_at_risk_queue(acme):
    tenant, members = acme
    now = timezone.now()
    with tenant_context(tenant.id):
        clocks = list(SlaClock.objects.filter(tenant=tenant).select_related("calendar"))
        states = Counter(clock_state(c, elapsed(c, now)) for c in clocks)
    running = [c for c in clocks if c.running_since is not None and c.breached_at is None]
    assert states["ok"] and states["paused"] and states["achieved"] and states["breached"]
    assert states["warning"] or any(c.due_at and (c.due_at - now).total_seconds() < 3600 for c in running)
    at_risk = call(session_client(members["owner@acme.test"]), "get", "/api/v1/sla/at-risk").json()["items"]
    assert len(at_risk) >= 2


def _kb_csat_reports_and_the_owners_view_have_data(acme):
    tenant, members = acme
    owner = session_client(members["owner@acme.test"])
    articles = call(owner, "get", "/api/v1/kb/manage/articles?status=published").json()
    assert len(articles) >= 4
    with tenant_context(tenant.id):
        assert ArticleTranslation.objects.filter(tenant=tenant, locale="de").exists()
        rated = CsatSurvey.objects.filter(tenant=tenant, rating__isnull=False).count()
    assert rated >= 10
    # The owner lands on "Mine" (open tickets assigned to them): not empty
    mine = call(owner, "get", "/api/v1/tickets?assignee=me&status_category=new&status_category=open").json()
    assert len(mine["items"]) >= 3
    # Reports: tickets created and solved on many days of the last four weeks, CSAT and SLA rates
    report = call(owner, "get", "/api/v1/reports/tickets?group=day").json()
    series = report["periods"]
    assert sum(1 for row in series if row["created"]) >= 15
    assert sum(row["solved"] for row in series) >= 30
    assert report["totals"]["csat"]["score"] is not None
    assert report["totals"]["sla"]["first_response"]["rate"] is not None
