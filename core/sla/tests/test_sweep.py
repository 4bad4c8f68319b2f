"""The SLA sweep with a frozen clock: warnings and breaches fire once, via the indexes only."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from contracts.events import EventEnvelope
from sla.selectors import due_tenant_ids
from sla.services.sweep import sla_fire_due
from sla.tests.helpers import clocks, events_of, make_calendar, make_policy, new_ticket, reply
from tenancy.context import tenant_context

NY = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def ny(*args):
    return dt.datetime(*args, tzinfo=NY)


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        return sla_fire_due(now=when)


@pytest.fixture
def acme(two_tenants):
    world = two_tenants.a
    make_calendar(world.tenant, is_default=True)
    make_policy(world.tenant)
    return world


def test_warning_then_breach_each_exactly_once(acme, two_tenants):
    with time_machine.travel(ny(2026, 3, 6, 16, 30), tick=False):  # Friday before DST
        ticket = new_ticket(acme)
    # nothing is due over the weekend
    assert sweep_at(ny(2026, 3, 8, 12, 0)) == (0, 0)
    # Monday 09:15 EDT the first-response warning is due (45 of 60 business minutes)
    assert sweep_at(ny(2026, 3, 9, 9, 15)) == (1, 0)
    assert sweep_at(ny(2026, 3, 9, 9, 20)) == (0, 0)
    # 09:30 it is breached; later sweeps do not repeat it
    assert sweep_at(ny(2026, 3, 9, 9, 30)) == (0, 1)
    assert sweep_at(ny(2026, 3, 9, 9, 45)) == (0, 0)
    warnings = [EventEnvelope.model_validate(e) for e in events_of(acme.tenant, "sla.warning")]
    breaches = [EventEnvelope.model_validate(e) for e in events_of(acme.tenant, "sla.breached")]
    assert [(e.data["metric"], e.subject_id) for e in warnings] == [("first_response", ticket.id)]
    assert [(e.data["metric"], e.subject_id) for e in breaches] == [("first_response", ticket.id)]
    assert dt.datetime.fromisoformat(breaches[0].data["due_at"]) == ny(2026, 3, 9, 9, 30)
    assert breaches[0].data["number"] == ticket.number
    first = clocks(acme.tenant, ticket)["first_response"]
    assert first.breached_at == ny(2026, 3, 9, 9, 30)
    # the other tenant saw nothing
    assert events_of(two_tenants.b.tenant, "sla.breached") == []


def test_paused_and_achieved_clocks_never_fire(acme):
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        paused = new_ticket(acme, subject="waiting on customer")
        answered = new_ticket(acme, subject="answered quickly")
    with time_machine.travel(ny(2026, 6, 1, 9, 5), tick=False):
        reply(acme, answered, acme.agent)
        from sla.tests.helpers import update

        update(acme, paused, status="pending")
    # only `answered`'s resolution clock is due (and long past its warning: breach only)
    assert sweep_at(ny(2026, 6, 5, 9, 0)) == (0, 1)
    assert {e["subject_id"] for e in events_of(acme.tenant, "sla.breached")} == {answered.id}


def test_a_late_sweep_sends_the_breach_but_not_a_stale_warning(acme):
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        new_ticket(acme)
    # the sweep was down all morning: both clocks are past due at once
    assert sweep_at(ny(2026, 6, 1, 14, 0)) == (0, 2)
    assert events_of(acme.tenant, "sla.warning") == []


def test_due_tenants_lists_only_tenants_with_work(acme, two_tenants):
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        new_ticket(acme)
    assert due_tenant_ids(now=ny(2026, 6, 1, 9, 10)) == []
    assert due_tenant_ids(now=ny(2026, 6, 1, 9, 50)) == [acme.tenant.id]


def _plan(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_sweep_queries_use_the_partial_due_indexes(acme):
    # with sequential scans off the planner must still find an index that fits; with a
    # query the partial predicates did not cover it could only use a full scan
    from sla.models import SlaClock

    with tenant_context(acme.tenant.id):
        qs = SlaClock.objects.filter(
            tenant_id=acme.tenant.id,
            running_since__isnull=False,
            breached_at__isnull=True,
            due_at__lte=ny(2026, 1, 1),
        ).order_by("due_at")[:500]
        sql, params = qs.query.sql_with_params()
        assert re.search(r"Index (Only )?Scan using slaclock_due(_platform)?_idx", _plan(sql, params))
        qs = SlaClock.objects.filter(
            tenant_id=acme.tenant.id,
            running_since__isnull=False,
            warning_sent_at__isnull=True,
            warn_at__lte=ny(2026, 1, 1),
        ).order_by("warn_at")[:500]
        sql, params = qs.query.sql_with_params()
        assert re.search(r"Index (Only )?Scan using slaclock_warn(_platform)?_idx", _plan(sql, params))
    platform = (
        "SELECT tenant_id FROM sla_slaclock WHERE running_since IS NOT NULL AND breached_at IS NULL "
        "AND due_at <= %s ORDER BY due_at LIMIT 10"
    )
    with tenant_context(acme.tenant.id):
        assert "slaclock_due_platform_idx" in _plan(platform, [ny(2026, 1, 1)])


def test_sla_event_payloads_carry_what_the_contract_asks(acme):
    # contracts.payloads.SlaPayloadV1 (events branch): the ticket fields plus metric and due_at
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        ticket = new_ticket(acme)
    sweep_at(ny(2026, 6, 1, 9, 50))
    (event,) = events_of(acme.tenant, "sla.warning")
    data = event["data"]
    assert data["ticket_id"] == ticket.id and data["number"] == ticket.number
    assert data["requester_membership_id"] == acme.customer.id and data["status"] == "new"
    assert data["subject"] == ticket.subject
    assert data["metric"] == "first_response"
    assert dt.datetime.fromisoformat(data["due_at"]) == ny(2026, 6, 1, 10, 0)
    try:
        from contracts.payloads import validate_payload  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # the payload registry arrives with the events branch
        return
    validate_payload("sla.warning", 1, data)
