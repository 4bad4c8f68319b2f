"""Time rules with a frozen clock, and macros (placeholders, preview, apply)."""

import datetime as dt

import pytest
import time_machine

from automations.selectors import rule_runs
from automations.services.time_rules import run_time_rules
from automations.tests.helpers import change, create, fresh, macro, settle, time_rule
from tenancy.context import tenant_context
from tickets.selectors.misc import ticket_history
from tickets.selectors.tickets import message_queryset

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def run_at(world, when):
    with time_machine.travel(when, tick=False), tenant_context(world.tenant.id):
        runs = run_time_rules(tenant=world.tenant, now=when)
    settle()
    return runs


def test_close_solved_tickets_after_four_days(two_tenants):
    acme = two_tenants.a
    rule = time_rule(
        acme,
        name="close solved",
        timing={"since": "solved", "hours": 96, "status": ["solved"]},
        actions=[{"type": "set_field", "field": "status", "value": "closed"}],
    )
    with time_machine.travel(T0, tick=False):
        ticket = create(acme)
        ticket = change(acme, ticket, status="solved")
        other = create(acme)  # open: never closed by this rule
    assert run_at(acme, T0 + dt.timedelta(hours=95)) == 0
    assert run_at(acme, T0 + dt.timedelta(hours=97)) == 1
    assert fresh(acme, ticket).status == "closed"
    assert fresh(acme, other).status == "new"
    assert run_at(acme, T0 + dt.timedelta(hours=200)) == 0
    with tenant_context(acme.tenant.id):
        rows = [(c.field, c.via) for c in ticket_history(tenant=acme.tenant, ticket=ticket)]
    assert ("status", f"time_rule:{rule.id}") in rows
    assert run_at(two_tenants.b, T0 + dt.timedelta(hours=200)) == 0


def test_remind_on_pending_once_per_pending_spell(two_tenants):
    acme = two_tenants.a
    time_rule(
        acme,
        name="nudge",
        timing={"since": "status_changed", "hours": 48, "status": ["pending"]},
        actions=[{"type": "add_note", "text": "Pending for 2 days: remind {{ticket.requester.name}}"}],
    )
    with time_machine.travel(T0, tick=False):
        ticket = create(acme)
    with time_machine.travel(T0 + dt.timedelta(hours=24), tick=False):
        change(acme, ticket, status="pending")
    assert run_at(acme, T0 + dt.timedelta(hours=71)) == 0  # pending for 47 h
    assert run_at(acme, T0 + dt.timedelta(hours=73)) == 1
    assert run_at(acme, T0 + dt.timedelta(hours=150)) == 0  # the note did not restart the clock
    # a new pending spell gets its own reminder
    with time_machine.travel(T0 + dt.timedelta(hours=151), tick=False):
        change(acme, ticket, status="open")
        change(acme, ticket, status="pending")
    assert run_at(acme, T0 + dt.timedelta(hours=200)) == 1
    with tenant_context(acme.tenant.id):
        notes = [
            m.body_text
            for m in message_queryset(tenant=acme.tenant, viewer=acme.agent, ticket=ticket)
            if m.is_internal
        ]
        assert len(list(rule_runs(tenant=acme.tenant, ticket=ticket))) == 2
    assert notes == ["Pending for 2 days: remind customer@acme.test"] * 2


def test_time_rule_conditions_filter_candidates(two_tenants):
    acme = two_tenants.a
    time_rule(
        acme,
        name="stale urgent",
        timing={"since": "updated", "hours": 2, "status": ["new", "open"]},
        conditions={"all": [{"field": "priority", "value": "urgent"}]},
        actions=[{"type": "add_tags", "tags": ["stale"]}],
    )
    with time_machine.travel(T0, tick=False):
        urgent = create(acme, priority="urgent")
        normal = create(acme)
    assert run_at(acme, T0 + dt.timedelta(hours=3)) == 1
    assert fresh(acme, urgent).tags == ["stale"]
    assert fresh(acme, normal).tags == []


def test_macro_preview_and_apply(two_tenants):
    acme = two_tenants.a
    m = macro(
        acme,
        name="Refund done",
        actions=[
            {"type": "set_field", "field": "status", "value": "solved"},
            {"type": "add_tags", "tags": ["refunded"]},
        ],
        reply_text="Hi {{ticket.requester.name}}, your refund for #{{ticket.number}} is on its way. {{agent.name}}",
    )
    ticket = create(acme)
    from automations.services.macros import macro_apply, macro_preview

    with tenant_context(acme.tenant.id):
        preview = macro_preview(tenant=acme.tenant, macro=m, ticket=ticket, agent=acme.agent)
    expected_reply = f"Hi customer@acme.test, your refund for #{ticket.number} is on its way. agent@acme.test"
    assert preview == {
        "changes": {"status": "solved", "add_tags": ["refunded"]},
        "reply_text": expected_reply,
        "reply_internal": False,
    }
    assert fresh(acme, ticket).status == "new"  # preview changes nothing
    with tenant_context(acme.tenant.id):
        macro_apply(tenant=acme.tenant, macro=m, ticket=ticket, agent=acme.agent)
    ticket = fresh(acme, ticket)
    assert (ticket.status, ticket.tags) == ("solved", ["refunded"])
    with tenant_context(acme.tenant.id):
        replies = [
            x for x in message_queryset(tenant=acme.tenant, viewer=acme.agent, ticket=ticket) if x.author_id
        ]
        vias = {c.via for c in ticket_history(tenant=acme.tenant, ticket=ticket) if c.field == "status"}
    assert replies[-1].body_text == expected_reply
    assert replies[-1].author_id == acme.agent.id
    assert f"macro:{m.id}" in vias
