"""Rollup numbers equal numbers computed straight from tickets and their history, on generated
data with late changes (reopen after solve, reassignment, merge), by events and by catch-up."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.utils import timezone

from events.relay import relay_all
from reports.buckets import bucket_of, percentile
from reports.buckets import empty as empty_hist
from reports.contributions import RESOLVED
from reports.selectors import ReportQuery, period_start, report_series
from reports.services import rollups_catch_up
from tenancy.context import tenant_context
from tenancy.models import Role
from tenancy.services import team_create
from testing.factories import make_member, make_world
from tickets.models import CustomStatus, StatusCategory, Ticket, TicketChange
from tickets.services.links import ticket_merge
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create, ticket_update

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


class Clock:
    def __init__(self) -> None:
        self.now = START

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(timezone, "now", lambda: c.now)
    return c


def _generate(world: Any, clock: Clock, *, relay: bool) -> None:
    """Three weeks of tickets: replies, solves, reopens days later, reassignments, a merge."""
    rng = random.Random(11)
    tenant = world.tenant
    with tenant_context(tenant.id):
        teams = [team_create(tenant=tenant, name=n) for n in ("Billing", "Tech")]
    agents = [world.members[Role.AGENT], make_member(tenant, Role.AGENT)]
    customers = [world.members[Role.CUSTOMER], make_member(tenant, Role.CUSTOMER)]
    tickets: list[Ticket] = []
    for _day in range(21):
        for _ in range(rng.randint(1, 4)):
            clock.advance(minutes=rng.randint(5, 300))
            with tenant_context(tenant.id):
                tickets.append(
                    ticket_create(
                        tenant=tenant,
                        actor=agents[0],
                        requester_id=rng.choice(customers).id,
                        subject="Help",
                        body_text="Please help",
                        channel=rng.choice(["email", "portal", "api"]),
                        priority=rng.choice(["low", "normal", "high"]),
                        category=rng.choice(["billing", "login", ""]),
                        assignee_id=rng.choice([None, agents[0].id, agents[1].id]),
                        team_id=rng.choice([None, teams[0].id, teams[1].id]),
                    )
                )
        for ticket in rng.sample(tickets, min(len(tickets), 4)):
            clock.advance(minutes=rng.randint(1, 600))
            with tenant_context(tenant.id):
                ticket.refresh_from_db()
                _act(rng, tenant, ticket, agents, teams)
        if relay and rng.random() < 0.7:
            relay_all()
        clock.now = clock.now.replace(hour=8) + dt.timedelta(days=1)
    # A merge, and a reopen long after the solve.
    open_ones = [t for t in tickets if t.status not in RESOLVED]
    with tenant_context(tenant.id):
        if len(open_ones) >= 2:
            ticket_merge(tenant=tenant, source=open_ones[0], target=open_ones[1], actor=agents[0])
        solved = [t for t in Ticket.objects.filter(tenant=tenant, status="solved")]
        clock.advance(days=2)
        message_add(tenant=tenant, ticket=solved[0], author=solved[0].requester, body_text="Still broken")


def _act(rng: random.Random, tenant: Any, ticket: Ticket, agents: list, teams: list) -> None:
    if ticket.status == StatusCategory.CLOSED:
        return
    choice = rng.random()
    if choice < 0.35:
        message_add(tenant=tenant, ticket=ticket, author=rng.choice(agents), body_text="Looking into it")
    elif choice < 0.65 and ticket.status != StatusCategory.SOLVED:
        ticket_update(tenant=tenant, ticket=ticket, actor=agents[0], changes={"status": "solved"})
    elif choice < 0.8 and ticket.status == StatusCategory.SOLVED:
        message_add(tenant=tenant, ticket=ticket, author=ticket.requester, body_text="Not fixed")  # reopens
    elif choice < 0.9:
        changes = {"assignee_id": rng.choice(agents).id, "team_id": rng.choice(teams).id}
        ticket_update(tenant=tenant, ticket=ticket, actor=agents[0], changes=changes)
    else:
        ticket_update(tenant=tenant, ticket=ticket, actor=agents[0], changes={"priority": "urgent"})


def _raw_expected(tenant_id: int, dimension: str, value: str, days: list[dt.date]) -> dict[str, Any]:
    """Straight from tickets and history, by replaying each ticket's status day by day."""
    with tenant_context(tenant_id):
        categories = {v: v for v in StatusCategory.values}
        categories.update(dict(CustomStatus.objects.values_list("key", "category")))
        tickets = list(Ticket.objects.filter(tenant_id=tenant_id))
        history: dict[int, list[tuple[dt.datetime, str, str]]] = defaultdict(list)
        for ch in TicketChange.objects.filter(tenant_id=tenant_id, field="status").order_by("id"):
            history[ch.ticket_id].append((ch.created_at, categories[ch.old], categories[ch.new]))

    def in_slice(t: Ticket) -> bool:
        current = {
            "all": "",
            "team": str(t.team_id) if t.team_id else "none",
            "assignee": str(t.assignee_id) if t.assignee_id else "none",
            "priority": t.priority,
            "channel": t.channel,
            "category": t.category or "none",
        }
        return current[dimension] == value

    per_day: dict[dt.date, Counter] = defaultdict(Counter)
    frt: dict[dt.date, list[int]] = defaultdict(list)
    backlog: dict[dt.date, int] = {}
    for t in filter(in_slice, tickets):
        per_day[t.created_at.date()]["created"] += 1
        for when, old, new in history[t.id]:
            if old not in RESOLVED and new in RESOLVED:
                per_day[when.date()]["solved"] += 1
            if old in RESOLVED and new not in RESOLVED:
                per_day[when.date()]["reopened"] += 1
        if t.first_response_at:
            frt[t.first_response_at.date()].append(int((t.first_response_at - t.created_at).total_seconds()))
    for day in days:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        open_count = 0
        for t in filter(in_slice, tickets):
            if t.created_at >= end:
                continue
            state = "new"
            for when, _old, new in history[t.id]:
                if when < end:
                    state = new
            open_count += state not in RESOLVED
        backlog[day] = open_count
    return {"per_day": per_day, "frt": frt, "backlog": backlog}


def _check(tenant_id: int, dimension: str, value: str, group: str) -> None:
    days = [(START + dt.timedelta(days=i)).date() for i in range(26)]
    expected = _raw_expected(tenant_id, dimension, value, days)
    query = ReportQuery(start=days[0], end=days[-1], group=group, dimension=dimension, value=value)
    with tenant_context(tenant_id):
        from tenancy.selectors import tenant_by_id

        report = report_series(tenant=tenant_by_id(tenant_id=tenant_id), query=query)  # type: ignore[arg-type]
    by_period: dict[dt.date, Counter] = defaultdict(Counter)
    frt_by_period: dict[dt.date, list[int]] = defaultdict(list)
    last_day: dict[dt.date, dt.date] = {}
    for day in days:
        p = period_start(day, group)
        by_period[p].update(expected["per_day"][day])
        frt_by_period[p] += expected["frt"][day]
        last_day[p] = day
    assert [row["period"] for row in report["periods"]] == sorted(by_period)
    for row in report["periods"]:
        p = row["period"]
        want = by_period[p]
        got = {k: row[k] for k in ("created", "solved", "reopened")}
        assert got == {k: want[k] for k in got}, (dimension, value, group, p)
        assert row["backlog"] == expected["backlog"][last_day[p]], (dimension, value, group, p)
        values = frt_by_period[p]
        assert row["first_response"]["count"] == len(values)
        if values:
            hist = empty_hist()
            for v in values:
                hist[bucket_of(v)] += 1
            assert row["first_response"]["median_seconds"] == percentile(hist, 0.5)
            assert row["first_response"]["p90_seconds"] == percentile(hist, 0.9)
            assert row["first_response"]["avg_seconds"] == round(sum(values) / len(values), 1)
            true_median = statistics.median_low(sorted(values))
            assert abs(row["first_response"]["median_seconds"] - true_median) <= 0.1 * true_median + 1


def _slices(tenant_id: int) -> list[tuple[str, str]]:
    with tenant_context(tenant_id):
        t = Ticket.objects.filter(tenant_id=tenant_id).exclude(assignee=None).first()
        team = Ticket.objects.filter(tenant_id=tenant_id).exclude(team=None).first()
    assert t and team
    return [
        ("all", ""),
        ("assignee", str(t.assignee_id)),
        ("assignee", "none"),
        ("team", str(team.team_id)),
        ("priority", "urgent"),
        ("channel", "email"),
        ("category", "none"),
    ]


@pytest.mark.django_db
def test_rollups_from_events_equal_raw_numbers(clock: Clock) -> None:
    world = make_world("rollupco")
    _generate(world, clock, relay=True)
    relay_all()
    relay_all()
    tenant_id = world.tenant.id
    with tenant_context(tenant_id):
        totals = report_series(
            tenant=world.tenant,
            query=ReportQuery(start=START.date(), end=START.date() + dt.timedelta(days=25)),
        )["totals"]
    assert totals["reopened"] >= 1 and totals["solved"] >= 5 and totals["first_response"]["count"] >= 5
    for dimension, value in _slices(tenant_id):
        for group in ("day", "week", "month"):
            _check(tenant_id, dimension, value, group)
    # Everything is folded in: a catch-up finds nothing left to change.
    with tenant_context(tenant_id):
        assert rollups_catch_up(tenant=world.tenant) == 0


@pytest.mark.django_db
def test_catch_up_alone_equals_raw_numbers_and_repeats_change_nothing(clock: Clock) -> None:
    # Given changes whose events were never relayed (the subscriber never ran)
    world = make_world("latecorp")
    _generate(world, clock, relay=False)
    tenant_id = world.tenant.id
    # When the scheduled catch-up runs
    with tenant_context(tenant_id):
        assert rollups_catch_up(tenant=world.tenant) > 0
    # Then the rollups equal the raw numbers, and replaying every event changes nothing
    for dimension, value in _slices(tenant_id):
        _check(tenant_id, dimension, value, "day")
    relay_all()
    relay_all()
    for dimension, value in _slices(tenant_id)[:2]:
        _check(tenant_id, dimension, value, "week")
