"""Four weeks of demo helpdesk history, so the first run shows every feature with data.

Labelled tickets over six categories (enough for AI triage to train a real model), answered
and solved ones with CSAT ratings (the reports' charts), and open ones whose SLA clocks are
in every state: running, at risk, breached, paused and met. Some are the owner's, so the
owner's "Mine" view is not empty.

History needs the past: each step runs with the process clock set to its instant
(time-machine), so the tickets, their messages, changes and events carry consistent
timestamps and the worker, relaying the events after the seed, computes SLA clocks and
rollups as if it had all happened then. Only the seed process's clock moves (`seed_demo`
runs in its own process before the services start).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from accounts.selectors import membership_for_user, user_by_email
from accounts.services.members import membership_set
from accounts.services.users import user_create
from csat.services import csat_rate, csat_request
from demo.corpus import DemoRequest, demo_requests
from tenancy.models import Membership, Organization, Role, Tenant
from tenancy.selectors import membership_list
from tenancy.services import membership_set_organization
from tickets.models import Ticket
from tickets.selectors.tickets import TicketFilters, ticket_list
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create, ticket_update
from triage.services.training import training_job_request

HISTORY_TAG = "demo-history"
DAYS = 27
# Requesters besides the demo customer: (first name, works for the key account Initech).
REQUESTERS = [("Dana", True), ("Ben", False), ("Priya", False), ("Tom", True), ("Lena", False)]
AGENT_REPLIES = {
    "billing": "Thanks for telling us. I have corrected the invoice; the refund is on its way.",
    "account_access": "I have reset the sign-in for your account; please try again and tell me if it works.",
    "bug": "Thanks for the details. We could reproduce it and the fix is going out today.",
    "feature_request": "Thanks for the idea! I have shared it with the product team and added your vote.",
    "how_to": "Good question: it is under Settings. I have added the steps to our help centre as well.",
    "shipping": "Sorry about that. I have asked the carrier and a replacement is on its way by express.",
}
COMMENTS = ["Quick and friendly, thanks!", "Solved my problem.", "Took a while but fine.", "", ""]


@dataclass
class People:
    customers: list[Membership]
    key_account: list[Membership]
    agents: list[Membership]
    owner: Membership


@contextmanager
def at(when: dt.datetime) -> Iterator[None]:
    with time_machine.travel(when, tick=False):
        yield


def _requesters(
    tenant: Tenant, organization: Organization | None
) -> tuple[list[Membership], list[Membership]]:
    members = list(membership_list(tenant=tenant))
    plain = [m for m in members if m.role == Role.CUSTOMER]
    key_account: list[Membership] = []
    for first, is_key in REQUESTERS:
        email = f"{first.lower()}@{tenant.slug}-customers.test"
        user = user_by_email(email=email) or user_create(
            email=email, password=None, full_name=f"{first} {'Initech' if is_key else 'Example'}"
        )
        member = membership_for_user(tenant=tenant, user=user) or membership_set(
            tenant=tenant, user=user, role=Role.CUSTOMER
        )
        if is_key and organization is not None:
            key_account.append(
                membership_set_organization(tenant=tenant, membership=member, organization=organization)
            )
        else:
            plain.append(member)
    return plain, key_account


def _people(tenant: Tenant, organization: Organization | None) -> People | None:
    members = list(membership_list(tenant=tenant))
    agents = [m for m in members if m.role in (Role.AGENT, Role.ADMIN)]
    owner = next((m for m in members if m.role == Role.OWNER), None)
    if not agents or owner is None:
        return None
    customers, key_account = _requesters(tenant, organization)
    return People(customers=customers, key_account=key_account or customers, agents=agents, owner=owner)


def _open(tenant: Tenant, request: DemoRequest, requester: Membership, when: dt.datetime) -> Ticket:
    with at(when):
        return ticket_create(
            tenant=tenant, actor=requester, subject=request.subject, body_text=request.body, channel="portal"
        ).ticket


def _triage(
    tenant: Tenant, ticket: Ticket, agent: Membership, request: DemoRequest, priority: str, when: dt.datetime
) -> None:
    changes = {
        "category": request.category,
        "priority": priority,
        "assignee_id": agent.id,
        "tags": [HISTORY_TAG],
    }
    with at(when):
        ticket_update(tenant=tenant, ticket=ticket, actor=agent, changes=changes)


def _answer(
    tenant: Tenant, ticket: Ticket, agent: Membership, request: DemoRequest, when: dt.datetime
) -> None:
    with at(when):
        message_add(tenant=tenant, ticket=ticket, author=agent, body_text=AGENT_REPLIES[request.category])


def _solve_and_rate(
    tenant: Tenant,
    ticket: Ticket,
    agent: Membership,
    requester: Membership,
    when: dt.datetime,
    rng: random.Random,
) -> None:
    with at(when):
        ticket_update(tenant=tenant, ticket=ticket, actor=agent, changes={"status": "solved"})
        survey = csat_request(tenant=tenant, ticket_id=ticket.id)
    if survey is None or rng.random() > 0.7:  # not everyone answers a survey
        return
    with at(when + dt.timedelta(hours=3)):
        rating = (
            rng.choice([5, 5, 5, 4, 4, 3, 2])
            if survey.scale == "five"
            else rng.choice(["good"] * 4 + ["bad"])
        )
        csat_rate(tenant=tenant, survey=survey, rating=rating, comment=rng.choice(COMMENTS), by=requester)


def _history(tenant: Tenant, people: People, requests: list[DemoRequest], now: dt.datetime) -> None:
    """Solved tickets spread over the past four weeks, on working hours."""
    rng = random.Random(f"{tenant.slug}-history")
    for i, request in enumerate(requests):
        day = now - dt.timedelta(days=DAYS - i * DAYS // len(requests))
        created = day.replace(hour=14 + i % 6, minute=(i * 7) % 60, second=0, microsecond=0)
        agent = people.agents[i % len(people.agents)]
        requester = people.customers[i % len(people.customers)]
        priority = rng.choice(["low", "normal", "normal", "normal", "high", "urgent"])
        ticket = _open(tenant, request, requester, created)
        _triage(tenant, ticket, agent, request, priority, created + dt.timedelta(minutes=5))
        answered = created + dt.timedelta(minutes=rng.choice([20, 45, 90, 200, 600]))
        solved = answered + dt.timedelta(hours=rng.choice([2, 6, 24, 48]))
        if answered < now:
            _answer(tenant, ticket, agent, request, answered)
        if solved < now and i % 9 != 4:  # a few stay open: the backlog
            _solve_and_rate(tenant, ticket, agent, requester, solved, rng)


def _sla_states(tenant: Tenant, people: People, requests: list[DemoRequest], now: dt.datetime) -> None:
    """Open tickets of the key account (its policy counts around the clock, so the states do
    not depend on the hour `make run` starts): in each SLA state, some the owner's."""
    owner, agent = people.owner, people.agents[0]
    key = people.key_account
    plan = [  # (minutes ago, priority, what happens, assignee)
        (10, "normal", "running", owner),
        (100, "normal", "at_risk", owner),  # first response 60 of the key account's 120 -> due in 20
        (180, "urgent", "breached", owner),  # 15 minutes to answer: long missed
        (240, "high", "paused", agent),  # answered, then waiting on the customer
        (50, "high", "met", owner),  # answered in 5 minutes, resolution still running
        (30, "low", "running", agent),
    ]
    for (minutes, priority, state, assignee), request in zip(plan, requests, strict=False):
        created = now - dt.timedelta(minutes=minutes)
        ticket = _open(tenant, request, key[minutes % len(key)], created)
        _triage(tenant, ticket, assignee, request, priority, created + dt.timedelta(minutes=1))
        if state in ("paused", "met"):
            _answer(tenant, ticket, assignee, request, created + dt.timedelta(minutes=5))
        if state == "paused":
            with at(created + dt.timedelta(minutes=6)):
                ticket_update(tenant=tenant, ticket=ticket, actor=assignee, changes={"status": "pending"})


def seed_demo_history(*, tenant: Tenant, organization: Organization | None) -> int:
    """The history, once per tenant (its tickets carry HISTORY_TAG); must run in the tenant's
    context. Queues a first training of the category model. Returns the tickets created."""
    people = _people(tenant, organization)
    if people is None:
        return 0
    seeded, _ = ticket_list(
        tenant=tenant, viewer=people.owner, filters=TicketFilters(tags=[HISTORY_TAG]), limit=1
    )
    if seeded:
        return 0
    now = timezone.now()
    requests = demo_requests(tenant.slug)
    open_count = 6
    _history(tenant, people, requests[open_count:], now)
    _sla_states(tenant, people, requests[:open_count], now)
    training_job_request(tenant=tenant, actor=None, trigger="new-labels")
    return len(requests)
