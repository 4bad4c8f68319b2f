"""Triggers on real events through the relay: conditions, ordered actions, history, loop guard."""

import pytest

from automations.selectors import deliveries_for, rule_runs
from automations.services.triggers import MAX_RUNS_PER_WINDOW
from automations.tests.helpers import change, create, trigger
from tenancy.context import tenant_context
from tickets.selectors.misc import ticket_history
from tickets.selectors.tickets import message_queryset

pytestmark = pytest.mark.django_db

REFUND = {"all": [{"field": "subject", "op": "contains", "value": "refund"}]}


def history(world, ticket):
    with tenant_context(world.tenant.id):
        return [(c.field, c.via, c.new) for c in ticket_history(tenant=world.tenant, ticket=ticket)]


def test_trigger_sets_fields_adds_a_note_and_history_names_the_rule(two_tenants):
    acme = two_tenants.a
    rule = trigger(
        acme,
        name="Refunds are urgent",
        conditions=REFUND,
        actions=[
            {"type": "set_field", "field": "priority", "value": "urgent"},
            {"type": "add_tags", "tags": ["refund"]},
            {
                "type": "add_note",
                "text": "Refund request from {{ticket.requester.name}} (#{{ticket.number}})",
            },
        ],
    )
    ticket = create(acme, subject="I want a Refund")
    assert ticket.priority == "urgent"
    assert ticket.tags == ["refund"]
    rows = history(acme, ticket)
    via = f"trigger:{rule.id}"
    assert ("priority", via, "urgent") in rows
    assert ("tags", via, ["refund"]) in rows
    assert any(field == "note" and v == via for field, v, _ in rows)
    with tenant_context(acme.tenant.id):
        notes = [
            m for m in message_queryset(tenant=acme.tenant, viewer=acme.agent, ticket=ticket) if m.is_internal
        ]
        runs = list(rule_runs(tenant=acme.tenant, ticket=ticket))
    assert notes[0].body_text == f"Refund request from customer@acme.test (#{ticket.number})"
    assert [(r.rule_id, r.outcome) for r in runs] == [(rule.id, "applied")]
    # a ticket that does not match is left alone; the other tenant's tickets never see the rule
    assert create(acme, subject="Hello").priority == "normal"
    assert create(two_tenants.b, subject="refund please").priority == "normal"


def test_triggers_run_in_order_and_see_earlier_changes(two_tenants):
    acme = two_tenants.a
    trigger(acme, name="second", position=2, conditions={"all": [{"field": "tags", "op": "includes", "value": "vip"}]},
            actions=[{"type": "set_field", "field": "priority", "value": "high"}])  # fmt: skip
    trigger(
        acme, name="first", position=1, conditions=REFUND, actions=[{"type": "add_tags", "tags": ["vip"]}]
    )
    trigger(acme, name="off", position=0, enabled=False, conditions={},
            actions=[{"type": "set_field", "field": "type", "value": "task"}])  # fmt: skip
    ticket = create(acme, subject="refund")
    assert (ticket.tags, ticket.priority, ticket.type) == (["vip"], "high", "question")


def test_any_conditions_and_message_events(two_tenants):
    acme = two_tenants.a
    trigger(
        acme,
        name="angry customer",
        events=["message.added"],
        conditions={
            "all": [{"field": "message_author", "value": "requester"}],
            "any": [
                {"field": "message_text", "op": "contains", "value": "unacceptable"},
                {"field": "message_text", "op": "contains", "value": "lawyer"},
            ],
        },
        actions=[{"type": "add_tags", "tags": ["escalated"]}],
    )
    ticket = create(acme, body_text="my lawyer will call")  # the first message is a message too
    assert ticket.tags == []  # ticket_create emits ticket.created only
    from tickets.services.messages import message_add

    with tenant_context(acme.tenant.id):
        message_add(tenant=acme.tenant, ticket=ticket, author=acme.customer, body_text="This is UNACCEPTABLE")
    from automations.tests.helpers import fresh, settle

    settle()
    assert fresh(acme, ticket).tags == ["escalated"]


def test_ping_pong_triggers_are_stopped_by_the_loop_guard(two_tenants):
    acme = two_tenants.a
    high = {"all": [{"field": "priority", "value": "high"}]}
    normal = {"all": [{"field": "priority", "value": "normal"}]}
    trigger(acme, name="down", events=["ticket.updated"], conditions=high,
            actions=[{"type": "set_field", "field": "priority", "value": "normal"}])  # fmt: skip
    trigger(acme, name="up", events=["ticket.updated"], conditions=normal,
            actions=[{"type": "set_field", "field": "priority", "value": "high"}])  # fmt: skip
    ticket = create(acme)
    change(acme, ticket, priority="high")  # settle() raises if the loop is not stopped
    with tenant_context(acme.tenant.id):
        runs = list(rule_runs(tenant=acme.tenant, ticket=ticket))
    assert [r.outcome for r in runs].count("loop_guard") == 1
    assert len([r for r in runs if r.outcome == "applied"]) == MAX_RUNS_PER_WINDOW


def test_a_trigger_ignores_its_own_changes(two_tenants):
    acme = two_tenants.a
    # "on any update, add a tag" would otherwise feed itself forever
    rule = trigger(
        acme, name="touch", events=["ticket.updated"], actions=[{"type": "add_tags", "tags": ["touched"]}]
    )
    ticket = create(acme)
    ticket = change(acme, ticket, priority="low")
    assert ticket.tags == ["touched"]
    with tenant_context(acme.tenant.id):
        assert [r.rule_id for r in rule_runs(tenant=acme.tenant, ticket=ticket)] == [rule.id]


def test_an_action_that_cannot_apply_is_recorded_not_retried(two_tenants):
    acme = two_tenants.a
    trigger(acme, name="bad", actions=[{"type": "set_field", "field": "status", "value": "closed"}])
    ticket = create(acme)  # new -> closed is not an allowed transition
    assert ticket.status == "new"
    with tenant_context(acme.tenant.id):
        run = rule_runs(tenant=acme.tenant, ticket=ticket).get()
    assert run.outcome == "failed"
    assert "cannot become closed" in run.detail


def test_escalate_on_sla_breach(two_tenants):
    import datetime as dt

    import time_machine

    from sla.services.sweep import sla_fire_due
    from sla.tests.helpers import make_policy

    acme = two_tenants.a
    make_policy(acme.tenant, business_hours=False)
    trigger(
        acme,
        name="escalate",
        events=["sla.breached"],
        conditions={"all": [{"field": "sla_metric", "value": "first_response"}]},
        actions=[{"type": "add_tags", "tags": ["sla-breached"]}, {"type": "notify", "team_id": None,
                 "membership_ids": [acme.admin.id], "text": "#{{ticket.number}} breached"}],
    )  # fmt: skip
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ticket = create(acme, priority="urgent")
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        assert sla_fire_due(now=start + dt.timedelta(minutes=61)) == (0, 1)
        from automations.tests.helpers import fresh, settle

        settle()
    assert fresh(acme, ticket).tags == ["sla-breached"]
    with tenant_context(acme.tenant.id):
        notify = deliveries_for(tenant=acme.tenant, ticket=ticket).get()
    assert (notify.kind, notify.target, notify.body) == (
        "notify",
        str(acme.admin.id),
        f"#{ticket.number} breached",
    )


def test_trigger_condition_on_the_requesters_organization(two_tenants):
    from accounts.services.members import membership_set
    from tenancy.models import Role
    from tenancy.services import organization_save
    from testing.factories import make_user

    acme = two_tenants.a
    with tenant_context(acme.tenant.id):
        initech = organization_save(tenant=acme.tenant, name="Initech", domains=["initech.com"])
    trigger(
        acme,
        name="Initech is high",
        conditions={"all": [{"field": "organization_id", "op": "is", "value": initech.id}]},
        actions=[{"type": "set_field", "field": "priority", "value": "high"}],
    )
    peter = membership_set(tenant=acme.tenant, user=make_user("peter@initech.com"), role=Role.CUSTOMER)
    from dataclasses import replace

    assert create(replace(acme, members={**acme.members, "customer": peter})).priority == "high"
    assert create(acme).priority == "normal"
