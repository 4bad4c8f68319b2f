"""SLA clocks on real tickets with a frozen clock: targets, pauses, achievement, policy choice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from sla.tests.helpers import clocks, events_of, make_calendar, make_policy, new_ticket, reply, update

NY = ZoneInfo("America/New_York")
pytestmark = pytest.mark.django_db


def ny(*args):
    return dt.datetime(*args, tzinfo=NY)


@pytest.fixture
def office(two_tenants):
    acme = two_tenants.a
    cal = make_calendar(acme.tenant, is_default=True)
    make_policy(acme.tenant)
    return acme, cal


def test_due_times_follow_business_hours_across_the_weekend_and_dst(office):
    acme, cal = office
    # given a ticket filed Friday 16:30 EST, the weekend before DST starts
    with time_machine.travel(ny(2026, 3, 6, 16, 30), tick=False):
        ticket = new_ticket(acme)
    found = clocks(acme.tenant, ticket)
    # then first response (60 business minutes) is due Monday 09:30 EDT
    first = found["first_response"]
    assert first.due_at == ny(2026, 3, 9, 9, 30)
    assert first.warn_at == ny(2026, 3, 9, 9, 15)  # 75 % of the target
    assert first.calendar_id == cal.id
    # and resolution (240) Monday 12:30
    assert found["resolution"].due_at == ny(2026, 3, 9, 12, 30)
    # next response starts only when the customer writes after an answer
    assert "next_response" not in found


def test_first_response_achieved_by_a_staff_reply(office):
    acme, _ = office
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        ticket = new_ticket(acme)
    with time_machine.travel(ny(2026, 6, 1, 9, 20), tick=False):
        reply(acme, ticket, acme.agent)
    first = clocks(acme.tenant, ticket)["first_response"]
    assert first.achieved_at == ny(2026, 6, 1, 9, 20)
    assert first.elapsed_minutes == pytest.approx(20)
    assert first.breached_at is None
    assert first.due_at is None  # no longer watched by the sweep


def test_pending_pauses_and_reopening_resumes_with_the_time_left(office):
    acme, _ = office
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):  # Monday
        ticket = new_ticket(acme)
    with time_machine.travel(ny(2026, 6, 1, 10, 0), tick=False):
        update(acme, ticket, status="pending")
    resolution = clocks(acme.tenant, ticket)["resolution"]
    assert resolution.paused_at == ny(2026, 6, 1, 10, 0)
    assert resolution.running_since is None and resolution.due_at is None
    assert resolution.elapsed_minutes == pytest.approx(60)
    # when the ticket is opened again on Wednesday 16:00, 180 minutes are left
    with time_machine.travel(ny(2026, 6, 3, 16, 0), tick=False):
        update(acme, ticket, status="open")
    resolution = clocks(acme.tenant, ticket)["resolution"]
    assert resolution.paused_at is None
    # 60 minutes on Wednesday, 120 on Thursday morning
    assert resolution.due_at == ny(2026, 6, 4, 11, 0)


def test_policy_without_pause_keeps_counting(two_tenants):
    acme = two_tenants.a
    make_policy(acme.tenant, business_hours=False, pause_statuses=[])
    with time_machine.travel(ny(2026, 6, 6, 12, 0), tick=False):  # Saturday; calendar minutes
        ticket = new_ticket(acme)
        update(acme, ticket, status="pending")
    resolution = clocks(acme.tenant, ticket)["resolution"]
    assert resolution.calendar_id is None
    assert resolution.due_at == ny(2026, 6, 6, 16, 0)
    assert resolution.paused_at is None


def test_solving_achieves_resolution_and_reopening_runs_on(office):
    acme, _ = office
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        ticket = new_ticket(acme)
    with time_machine.travel(ny(2026, 6, 1, 10, 0), tick=False):
        update(acme, ticket, status="solved")
    assert clocks(acme.tenant, ticket)["resolution"].achieved_at == ny(2026, 6, 1, 10, 0)
    with time_machine.travel(ny(2026, 6, 1, 11, 0), tick=False):
        update(acme, ticket, status="open")
    resolution = clocks(acme.tenant, ticket)["resolution"]
    assert resolution.achieved_at is None
    assert resolution.due_at == ny(2026, 6, 1, 14, 0)  # 180 left from 11:00


def test_next_response_runs_from_the_customer_reply_to_the_agent_reply(office):
    acme, _ = office
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        ticket = new_ticket(acme)
    with time_machine.travel(ny(2026, 6, 1, 9, 5), tick=False):
        reply(acme, ticket, acme.agent)
    with time_machine.travel(ny(2026, 6, 1, 11, 0), tick=False):
        reply(acme, ticket, acme.customer)
    nxt = clocks(acme.tenant, ticket)["next_response"]
    assert nxt.started_at == ny(2026, 6, 1, 11, 0)
    assert nxt.due_at == ny(2026, 6, 1, 11, 30)
    with time_machine.travel(ny(2026, 6, 1, 11, 45), tick=False):
        reply(acme, ticket, acme.agent)
    nxt = clocks(acme.tenant, ticket)["next_response"]
    assert nxt.achieved_at == ny(2026, 6, 1, 11, 45)
    # missed before the sweep saw it: the breach still fires, once
    breaches = events_of(acme.tenant, "sla.breached")
    assert [e["data"]["metric"] for e in breaches] == ["next_response"]
    assert dt.datetime.fromisoformat(breaches[0]["data"]["due_at"]) == ny(2026, 6, 1, 11, 30)
    assert nxt.breached_at == ny(2026, 6, 1, 11, 30)


def test_first_matching_policy_by_position_and_retarget_on_change(office):
    acme, _ = office
    make_policy(
        acme.tenant,
        name="VIP",
        position=0,
        conditions={"tags_any": ["vip"]},
        targets={"urgent": {"first_response": 15, "resolution": 60}},
    )
    # the default policy was created with position 0 too; make it later
    from sla.selectors import policy_list
    from sla.services.config import policy_save
    from tenancy.context import tenant_context

    with tenant_context(acme.tenant.id):
        standard = policy_list(tenant=acme.tenant).get(name="Standard")
        policy_save(tenant=acme.tenant, policy=standard, position=10)
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        ticket = new_ticket(acme, tags=["vip"])
    first = clocks(acme.tenant, ticket)["first_response"]
    assert first.policy.name == "VIP"
    assert first.due_at == ny(2026, 6, 1, 9, 15)
    # when the tag goes, the standard policy applies, counted from creation
    with time_machine.travel(ny(2026, 6, 1, 9, 10), tick=False):
        update(acme, ticket, tags=[])
    first = clocks(acme.tenant, ticket)["first_response"]
    assert first.policy.name == "Standard"
    assert first.due_at == ny(2026, 6, 1, 10, 0)


def test_no_matching_policy_means_no_clocks(office):
    acme, _ = office
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        ticket = new_ticket(acme, priority="low")  # the policy has urgent targets only
    assert clocks(acme.tenant, ticket) == {}


def test_policy_for_the_requesters_organization(office):
    from accounts.services.members import membership_set
    from tenancy.context import tenant_context
    from tenancy.models import Role
    from tenancy.services import organization_save
    from testing.factories import make_user

    acme, _ = office
    with tenant_context(acme.tenant.id):
        initech = organization_save(tenant=acme.tenant, name="Initech", domains=["initech.com"])
    make_policy(
        acme.tenant,
        name="Initech contract",
        position=0,
        conditions={"organization_ids": [initech.id]},
        targets={"urgent": {"first_response": 10}},
    )
    from sla.selectors import policy_list
    from sla.services.config import policy_save

    with tenant_context(acme.tenant.id):
        policy_save(
            tenant=acme.tenant, policy=policy_list(tenant=acme.tenant).get(name="Standard"), position=5
        )
    peter = membership_set(tenant=acme.tenant, user=make_user("peter@initech.com"), role=Role.CUSTOMER)
    with time_machine.travel(ny(2026, 6, 1, 9, 0), tick=False):
        theirs = new_ticket(acme, requester_id=peter.id)
        others = new_ticket(acme)  # the default customer, in no organization
    assert clocks(acme.tenant, theirs)["first_response"].policy.name == "Initech contract"
    assert clocks(acme.tenant, theirs)["first_response"].due_at == ny(2026, 6, 1, 9, 10)
    assert clocks(acme.tenant, others)["first_response"].policy.name == "Standard"
