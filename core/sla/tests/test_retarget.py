"""A new target after a breach (the priority changed): the clock, the sweep and the at-risk
queue agree on whether the ticket is late."""

import datetime as dt

import pytest
import time_machine

from sla.services.sweep import sla_fire_due
from sla.tests.helpers import clocks, events_of, make_policy, new_ticket, update
from testing.factories import session_client
from tickets.tests.helpers import call

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
# Calendar minutes, so the arithmetic reads plainly: urgent answers in 60, high in 120.
TARGETS = {"urgent": {"first_response": 60}, "high": {"first_response": 120}}


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def sweep(minutes: int) -> tuple[int, int]:
    with time_machine.travel(at(minutes), tick=False):
        return sla_fire_due(now=at(minutes))


def first_response_seen(world, ticket, minutes: int) -> dict:
    with time_machine.travel(at(minutes), tick=False):
        found = call(session_client(world.agent), "get", f"/api/v1/tickets/{ticket.id}/sla").json()
    return next(c for c in found if c["metric"] == "first_response")


def at_risk_ids(world, minutes: int, within: int) -> list[int]:
    with time_machine.travel(at(minutes), tick=False):
        path = f"/api/v1/sla/at-risk?within_minutes={within}"
        return [t["id"] for t in call(session_client(world.agent), "get", path).json()["items"]]


@pytest.fixture
def acme(two_tenants):
    make_policy(two_tenants.a.tenant, business_hours=False, targets=TARGETS)
    make_policy(two_tenants.b.tenant, business_hours=False, targets=TARGETS)
    return two_tenants.a


def test_a_longer_target_after_a_breach_lifts_it_and_the_queue_shows_the_clock(acme, two_tenants):
    with time_machine.travel(at(0), tick=False):
        ticket = new_ticket(acme)  # urgent
        new_ticket(two_tenants.b)
    assert sweep(61) == (0, 2)  # both tenants' urgent tickets missed 60 minutes
    assert first_response_seen(acme, ticket, 61)["state"] == "breached"
    # When the priority goes to high after 90 minutes, 30 of its 120 are left
    with time_machine.travel(at(90), tick=False):
        update(acme, ticket, priority="high")
    clock = first_response_seen(acme, ticket, 90)
    assert clock["remaining_minutes"] == pytest.approx(30)
    assert clock["state"] == "warning"  # 90 of 120 used: past the 75 % threshold, not breached
    assert clock["breached_at"] is None and clock["target_minutes"] == 120
    # and the at-risk queue lists it, even with a window shorter than the time left
    assert at_risk_ids(acme, 90, within=10) == [ticket.id]
    # The sweep fires the new breach when the 120 minutes are over, once
    assert sweep(119) == (0, 0)
    assert sweep(121) == (0, 1)
    assert sweep(125) == (0, 0)
    assert first_response_seen(acme, ticket, 121)["state"] == "breached"
    assert clocks(acme.tenant, ticket)["first_response"].breached_at == at(120)
    assert len(events_of(acme.tenant, "sla.breached")) == 2
    assert len(events_of(two_tenants.b.tenant, "sla.breached")) == 1


def test_a_shorter_target_already_used_up_reads_breached_and_is_in_the_queue(acme):
    with time_machine.travel(at(0), tick=False):
        ticket = new_ticket(acme, priority="high")
    assert sweep(50) == (0, 0)
    # After 70 minutes the ticket becomes urgent: its 60 minutes are over
    with time_machine.travel(at(70), tick=False):
        update(acme, ticket, priority="urgent")
    clock = first_response_seen(acme, ticket, 70)
    assert clock["state"] == "breached" and clock["remaining_minutes"] == pytest.approx(-10)
    assert at_risk_ids(acme, 70, within=0) == [ticket.id]
    # the next sweep records the breach at the instant it was missed, not when it noticed
    assert sweep(71) == (0, 1)
    assert clocks(acme.tenant, ticket)["first_response"].breached_at == at(60)


def test_a_warning_is_sent_again_when_a_new_target_puts_its_threshold_ahead(acme):
    with time_machine.travel(at(0), tick=False):
        ticket = new_ticket(acme)  # urgent: warned at 45
    assert sweep(46) == (1, 0)
    with time_machine.travel(at(50), tick=False):
        update(acme, ticket, priority="high")  # threshold now at 90
    assert first_response_seen(acme, ticket, 50)["state"] == "ok"
    assert at_risk_ids(acme, 50, within=10) == []
    assert sweep(91) == (1, 0)
