"""Rollup numbers equal numbers computed straight from tickets and their history, on generated
data with late changes (reopen after solve, reassignment, merge, late CSAT ratings, AI triage
undone by an agent), by events and by catch-up, in the tenant's time zone and business hours,
for single filters and pairs (tag and custom field included)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from csat.models import CsatSurvey
from csat.services import csat_rate, csat_settings_set
from events.relay import relay_all
from reports.buckets import bucket_of, percentile
from reports.buckets import empty as empty_hist
from reports.contributions import RESOLVED
from reports.selectors import ReportQuery, period_start, report_breakdown, report_series
from reports.services import rollups_catch_up
from sla.business_time import business_minutes_between
from sla.models import SlaClock
from sla.selectors import default_calendar
from sla.services.clocks import calendar_spec
from sla.services.config import calendar_save, policy_save
from tenancy.context import tenant_context
from tenancy.models import Role
from tenancy.selectors import tenant_by_id
from tenancy.services import team_create
from testing.factories import make_member, make_world
from tickets.models import CustomStatus, Message, StatusCategory, Ticket, TicketChange
from tickets.services.fields import custom_field_create
from tickets.services.links import ticket_merge
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create, ticket_update
from triage.services import ticket_triage_apply

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday; US DST starts 2026-03-08
ZONE = ZoneInfo("America/New_York")
DAYS = [(START + dt.timedelta(days=i)).date() for i in range(26)]
TARGETS = {"first_response": 120, "next_response": 240, "resolution": 900}


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


def _configure(world: Any) -> None:
    """Tenant zone New York, a Berlin 9-17 default calendar, SLA targets, CSAT on, a dropdown field."""
    tenant = world.tenant
    tenant.settings = {**tenant.settings, "timezone": "America/New_York"}
    tenant.save()
    week = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    with tenant_context(tenant.id):
        calendar_save(
            tenant=tenant, name="Office", timezone="Europe/Berlin", weekly_hours=week, is_default=True
        )
        policy_save(
            tenant=tenant,
            name="All",
            business_hours=True,
            targets={p: TARGETS for p in ("low", "normal", "high")},
        )
        csat_settings_set(tenant=tenant, enabled=True, email_requester=False, scale="five")
        custom_field_create(
            tenant=tenant, key="plan", label="Plan", field_type="dropdown", options=["free", "pro"]
        )


def _generate(world: Any, clock: Clock, *, relay: bool) -> None:
    """Three weeks of tickets: replies, solves, reopens days later, reassignments, a merge,
    ratings, AI triage (some of it changed by an agent)."""
    rng = random.Random(11)
    tenant = world.tenant
    _configure(world)
    with tenant_context(tenant.id):
        teams = [team_create(tenant=tenant, name=n) for n in ("Billing", "Tech")]
    agents = [world.members[Role.AGENT], make_member(tenant, Role.AGENT)]
    customers = [world.members[Role.CUSTOMER], make_member(tenant, Role.CUSTOMER)]
    tickets: list[Ticket] = []
    for _day in range(21):
        for _ in range(rng.randint(1, 4)):
            clock.advance(minutes=rng.randint(5, 300))
            with tenant_context(tenant.id):
                ticket = ticket_create(
                    tenant=tenant,
                    actor=agents[0],
                    requester_id=rng.choice(customers).id,
                    subject="Help",
                    body_text="Please help",
                    channel=rng.choice(["email", "portal", "api"]),
                    priority=rng.choice(["low", "normal", "high"]),
                    category=rng.choice(["billing", "login", "", ""]),
                    assignee_id=rng.choice([None, agents[0].id, agents[1].id]),
                    team_id=rng.choice([None, teams[0].id, teams[1].id]),
                    tags=rng.choice([[], ["vip"], ["vip", "refund"], ["refund"]]),
                    custom_fields=rng.choice([{}, {"plan": "free"}, {"plan": "pro"}]),
                ).ticket
                tickets.append(ticket)
                if not ticket.category and rng.random() < 0.7:
                    label = rng.choice(["billing", "login"])
                    result = {
                        "category": {"enabled": True, "label": label, "confidence": 0.97, "model_version": 1},
                        "priority": {"label": "normal", "confidence": 0.3},
                        "sentiment": {"label": "neutral", "confidence": 0.5},
                        "language": {"code": "en", "confidence": 0.9},
                    }
                    ticket_triage_apply(tenant=tenant, ticket_id=ticket.id, result=result)
        for ticket in rng.sample(tickets, min(len(tickets), 5)):
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
    if choice < 0.3:
        message_add(tenant=tenant, ticket=ticket, author=rng.choice(agents), body_text="Looking into it")
    elif choice < 0.55 and ticket.status != StatusCategory.SOLVED:
        ticket_update(tenant=tenant, ticket=ticket, actor=agents[0], changes={"status": "solved"})
    elif choice < 0.7 and ticket.status == StatusCategory.SOLVED:
        survey = CsatSurvey.objects.filter(ticket=ticket).first()
        if survey is not None and (survey.rating is None or rng.random() < 0.3):
            csat_rate(tenant=tenant, survey=survey, rating=rng.randint(1, 5))  # a (late) rating
        else:
            message_add(
                tenant=tenant, ticket=ticket, author=ticket.requester, body_text="Not fixed"
            )  # reopens
    elif choice < 0.8:
        changes = {"assignee_id": rng.choice(agents).id, "team_id": rng.choice(teams).id}
        ticket_update(tenant=tenant, ticket=ticket, actor=agents[0], changes=changes)
    elif choice < 0.9 and ticket.category:
        new = "login" if ticket.category == "billing" else "billing"
        ticket_update(tenant=tenant, ticket=ticket, actor=agents[0], changes={"category": new})
    else:
        ticket_update(
            tenant=tenant, ticket=ticket, actor=agents[0], changes={"priority": "urgent", "tags": ["vip"]}
        )


def _values(t: Ticket) -> dict[str, set[str]]:
    plan = (t.custom_fields or {}).get("plan")
    return {
        "team": {str(t.team_id) if t.team_id else "none"},
        "assignee": {str(t.assignee_id) if t.assignee_id else "none"},
        "priority": {t.priority},
        "channel": {t.channel},
        "category": {t.category or "none"},
        "tag": set(t.tags) or {"none"},
        "field": {f"plan={plan}"} if plan else {"none"},
    }


def _raw_expected(tenant_id: int, filters: dict[str, str]) -> dict[str, Any]:
    """Straight from tickets, history, clocks and surveys, replaying each ticket day by day."""
    with tenant_context(tenant_id):
        categories = {v: v for v in StatusCategory.values}
        categories.update(dict(CustomStatus.objects.values_list("key", "category")))
        tickets = [
            t
            for t in Ticket.objects.filter(tenant_id=tenant_id)
            if all(v in _values(t)[d] for d, v in filters.items())
        ]
        ids = {t.id for t in tickets}
        history: dict[int, list[tuple[dt.datetime, str, str]]] = defaultdict(list)
        ai: dict[int, list[TicketChange]] = defaultdict(list)
        for ch in TicketChange.objects.filter(tenant_id=tenant_id, ticket_id__in=ids).order_by("id"):
            if ch.field == "status":
                history[ch.ticket_id].append((ch.created_at, categories[ch.old], categories[ch.new]))
            elif ch.field in ("category", "priority"):
                ai[ch.ticket_id].append(ch)
        clocks = list(SlaClock.objects.filter(tenant_id=tenant_id, ticket_id__in=ids))
        surveys = list(CsatSurvey.objects.filter(tenant_id=tenant_id, ticket_id__in=ids))
        replies = Counter(
            Message.objects.filter(
                ticket_id__in=ids, is_internal=False, author__role__in=("owner", "admin", "agent")
            ).values_list("ticket_id", flat=True)
        )
        calendar = calendar_spec(default_calendar(tenant_id=tenant_id))
    assert calendar is not None

    def day(moment: dt.datetime) -> dt.date:
        return moment.astimezone(ZONE).date()

    def bh(a: dt.datetime, b: dt.datetime) -> int:
        return max(0, int(business_minutes_between(calendar, a, b) * 60))

    per_day: dict[dt.date, Counter] = defaultdict(Counter)
    durations: dict[tuple[str, dt.date], list[int]] = defaultdict(list)
    for t in tickets:
        per_day[day(t.created_at)]["created"] += 1
        for when, old, new in history[t.id]:
            if old not in RESOLVED and new in RESOLVED:
                per_day[day(when)]["solved"] += 1
            if old in RESOLVED and new not in RESOLVED:
                per_day[day(when)]["reopened"] += 1
        if t.first_response_at:
            d = day(t.first_response_at)
            durations[("frt", d)].append(int((t.first_response_at - t.created_at).total_seconds()))
            durations[("frt_bh", d)].append(bh(t.created_at, t.first_response_at))
        if t.status in RESOLVED and t.solved_at:
            d = day(t.solved_at)
            durations[("res", d)].append(int((t.solved_at - t.created_at).total_seconds()))
            durations[("res_bh", d)].append(bh(t.created_at, t.solved_at))
            per_day[d]["replies"] += replies[t.id]
        applied = {}
        for ch in ai[t.id]:
            if ch.via == "ai":
                applied[ch.field] = [ch.created_at, ch.new, False]
            elif ch.field in applied and ch.new != applied[ch.field][1]:
                applied[ch.field][2] = True
        for when, _new, changed in applied.values():
            per_day[day(when)]["ai_applied"] += 1
            per_day[day(when)]["ai_changed"] += changed
    for c in clocks:
        if c.breached_at:
            per_day[day(c.breached_at)][f"{c.metric}_breached"] += 1
        elif c.achieved_at:
            per_day[day(c.achieved_at)][f"{c.metric}_met"] += 1
    for s in surveys:
        per_day[day(s.requested_at)]["csat_sent"] += 1
        if s.rated_at and s.rating:
            per_day[day(s.rated_at)].update(csat_rated=1, csat_sum=s.rating, csat_good=int(s.rating >= 4))
    backlog: dict[dt.date, int] = {}
    for d in DAYS:
        end = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(), tzinfo=ZONE)
        open_count = 0
        for t in tickets:
            if t.created_at >= end:
                continue
            state = "new"
            for when, _old, new in history[t.id]:
                if when < end:
                    state = new
            open_count += state not in RESOLVED
        backlog[d] = open_count
    return {"per_day": per_day, "durations": durations, "backlog": backlog}


def _duration_expected(values: list[int]) -> dict[str, Any]:
    hist = empty_hist()
    for v in values:
        hist[bucket_of(v)] += 1
    return {
        "avg": round(sum(values) / len(values), 1) if values else None,
        "median": percentile(hist, 0.5) if values else None,
        "p90": percentile(hist, 0.9) if values else None,
    }


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in ("created", "solved", "reopened", "backlog")}
    for name, key in (("frt", "first_response"), ("res", "resolution")):
        d = row[key]
        out[f"{name}_count"] = d["count"]
        out[name] = {"avg": d["avg_seconds"], "median": d["median_seconds"], "p90": d["p90_seconds"]}
        b = d["business"]
        out[f"{name}_bh"] = {"avg": b["avg_seconds"], "median": b["median_seconds"], "p90": b["p90_seconds"]}
    out["replies_per_solved"] = row["replies_per_solved"]
    for metric, sla in row["sla"].items():
        out[f"{metric}_met"], out[f"{metric}_breached"] = sla["met"], sla["breached"]
    csat = row["csat"]
    out.update(
        csat_sent=csat["sent"], csat_rated=csat["rated"], csat_good=csat["good"], csat_avg=csat["average"]
    )
    out.update(ai_applied=row["ai_triage"]["applied"], ai_changed=row["ai_triage"]["changed"])
    return out


def _expected_flat(c: Counter, durations: dict[str, list[int]], backlog: int) -> dict[str, Any]:
    out: dict[str, Any] = {k: c[k] for k in ("created", "solved", "reopened")}
    out["backlog"] = backlog
    for name in ("frt", "res"):
        out[f"{name}_count"] = len(durations[name])
        out[name] = _duration_expected(durations[name])
        out[f"{name}_bh"] = _duration_expected(durations[f"{name}_bh"])
    n_res = len(durations["res"])
    out["replies_per_solved"] = round(c["replies"] / n_res, 2) if n_res else None
    for metric in TARGETS:
        out[f"{metric}_met"], out[f"{metric}_breached"] = c[f"{metric}_met"], c[f"{metric}_breached"]
    out.update(
        csat_sent=c["csat_sent"], csat_rated=c["csat_rated"], csat_good=c["csat_good"],
        csat_avg=round(c["csat_sum"] / c["csat_rated"], 2) if c["csat_rated"] else None,
        ai_applied=c["ai_applied"], ai_changed=c["ai_changed"],
    )  # fmt: skip
    return out


def _check(tenant_id: int, filters: dict[str, str], group: str) -> dict[str, Any]:
    expected = _raw_expected(tenant_id, filters)
    query = ReportQuery(start=DAYS[0], end=DAYS[-1], group=group, filters=tuple(filters.items()))
    with tenant_context(tenant_id):
        report = report_series(tenant=tenant_by_id(tenant_id=tenant_id), query=query)  # type: ignore[arg-type]
    by_period: dict[dt.date, Counter] = defaultdict(Counter)
    durations: dict[dt.date, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    last_day: dict[dt.date, dt.date] = {}
    for d in DAYS:
        p = period_start(d, group)
        by_period[p].update(expected["per_day"][d])
        for name in ("frt", "frt_bh", "res", "res_bh"):
            durations[p][name] += expected["durations"][(name, d)]
        last_day[p] = d
    assert [row["period"] for row in report["periods"]] == sorted(by_period)
    for row in report["periods"]:
        p = row["period"]
        want = _expected_flat(by_period[p], durations[p], expected["backlog"][last_day[p]])
        assert _flat(row) == want, (filters, group, p)
    return report


def _slices(tenant_id: int) -> list[dict[str, str]]:
    with tenant_context(tenant_id):
        t = Ticket.objects.filter(tenant_id=tenant_id).exclude(assignee=None).first()
        team = Ticket.objects.filter(tenant_id=tenant_id).exclude(team=None).first()
    assert t and team
    return [
        {},
        {"assignee": str(t.assignee_id)},
        {"assignee": "none"},
        {"team": str(team.team_id)},
        {"priority": "urgent"},
        {"channel": "email"},
        {"category": "none"},
        {"tag": "vip"},
        {"field": "plan=pro"},
        {"team": str(team.team_id), "tag": "refund"},
        {"priority": "low", "field": "plan=free"},
        {"tag": "vip", "channel": "api"},
        {"assignee": "none", "category": "billing"},
    ]


@pytest.mark.django_db
def test_rollups_from_events_equal_raw_numbers(clock: Clock) -> None:
    world = make_world("rollupco")
    _generate(world, clock, relay=True)
    relay_all()
    relay_all()
    tenant_id = world.tenant.id
    totals = _check(tenant_id, {}, "month")["totals"]
    # The generated data exercises every metric.
    assert totals["reopened"] >= 1 and totals["solved"] >= 5 and totals["first_response"]["count"] >= 5
    assert totals["sla"]["first_response"]["met"] >= 1 and totals["sla"]["first_response"]["breached"] >= 1
    assert (
        totals["csat"]["rated"] >= 2
        and totals["ai_triage"]["applied"] >= 3
        and totals["ai_triage"]["changed"] >= 1
    )
    assert totals["first_response"]["business"]["avg_seconds"] != totals["first_response"]["avg_seconds"]
    for filters in _slices(tenant_id):
        for group in ("day", "week", "month"):
            _check(tenant_id, filters, group)
    # Everything is folded in: a catch-up finds nothing left to change.
    with tenant_context(tenant_id):
        assert rollups_catch_up(tenant=world.tenant) == 0


@pytest.mark.django_db
def test_breakdown_within_a_filter_equals_the_filtered_series(clock: Clock) -> None:
    world = make_world("breakco")
    _generate(world, clock, relay=False)
    tenant_id = world.tenant.id
    with tenant_context(tenant_id):
        rollups_catch_up(tenant=world.tenant)
        rows = report_breakdown(
            tenant=world.tenant,
            query=ReportQuery(start=DAYS[0], end=DAYS[-1], dimension="tag", filters=(("channel", "email"),)),
        )
    assert {r["value"] for r in rows} <= {"vip", "refund", "none"} and rows
    for r in rows:
        series = _check(tenant_id, {"channel": "email", "tag": r["value"]}, "month")
        assert r["created"] == series["totals"]["created"] and r["csat"] == series["totals"]["csat"]


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
    for filters in _slices(tenant_id):
        _check(tenant_id, filters, "day")
    relay_all()
    relay_all()
    for filters in _slices(tenant_id)[:3]:
        _check(tenant_id, filters, "week")
