"""The SLA clocks of one ticket: pick the policy, start, pause, resume, achieve and retarget.

`sla_sync` is called (by the event subscriber) after every change of a ticket, with the
instant of that change; it brings the ticket's clocks in line with its current state.
Time used is kept as `elapsed_minutes` of finished segments plus the running segment
since `running_since`, so pauses and new targets never lose time already spent.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from contracts.events import Actor, Visibility
from events.services import event_record
from sla.business_time import Calendar, add_minutes, minutes_between
from sla.models import BusinessCalendar, Metric, SlaClock, SlaPolicy
from sla.schemas import CalendarSpec, PolicyConditions, PolicyTargets
from tenancy.models import Membership, Tenant
from tickets.models import StatusCategory, Ticket
from tickets.services.common import ticket_event_data

logger = logging.getLogger(__name__)
DONE = frozenset({StatusCategory.SOLVED, StatusCategory.CLOSED})


def calendar_spec(cal: BusinessCalendar | None) -> Calendar | None:
    """The engine's calendar for a row; None means calendar minutes (always open)."""
    if cal is None:
        return None
    return CalendarSpec(
        timezone=cal.timezone, weekly_hours=cal.weekly_hours, holidays=cal.holidays
    ).to_calendar()


def policy_for(*, tenant: Tenant, ticket: Ticket) -> SlaPolicy | None:
    """The first enabled policy, by position, that matches and has targets for the priority."""
    for policy in SlaPolicy.objects.filter(tenant=tenant, enabled=True).order_by("position", "id"):
        try:  # rows edited outside the API may not parse; such a policy is skipped, loudly
            conditions = PolicyConditions.model_validate(policy.conditions)
            targets = PolicyTargets.model_validate(policy.targets)
        except PydanticValidationError:
            logger.exception("SLA policy %s is invalid; skipped", policy.id)
            continue
        if conditions.matches(ticket) and targets.for_priority(ticket.priority):
            return policy
    return None


def _policy_calendar(policy: SlaPolicy) -> BusinessCalendar | None:
    if not policy.business_hours:
        return None
    if policy.calendar_id:
        return policy.calendar
    return BusinessCalendar.objects.filter(tenant_id=policy.tenant_id, is_default=True).first()


def elapsed(clock: SlaClock, now: dt.datetime) -> float:
    """Minutes of the target used by `now`."""
    used = clock.elapsed_minutes
    if clock.running_since is not None and now > clock.running_since:
        used += minutes_between(calendar_spec(clock.calendar), clock.running_since, now)
    return used


def _schedule(clock: SlaClock) -> None:
    if clock.running_since is None:
        clock.due_at = clock.warn_at = None
        return
    cal = calendar_spec(clock.calendar)
    left = max(0.0, clock.target_minutes - clock.elapsed_minutes)
    warn_left = max(0.0, clock.target_minutes * clock.warning_fraction - clock.elapsed_minutes)
    clock.due_at = add_minutes(cal, clock.running_since, left)
    clock.warn_at = add_minutes(cal, clock.running_since, warn_left)


def _stop(clock: SlaClock, at: dt.datetime) -> None:
    if clock.running_since is not None:
        clock.elapsed_minutes = elapsed(clock, max(at, clock.running_since))
        clock.running_since = None
    _schedule(clock)


def _achieve(clock: SlaClock, at: dt.datetime, ticket: Ticket) -> None:
    due = clock.due_at
    _stop(clock, at)
    clock.achieved_at, clock.paused_at = at, None
    if clock.breached_at is None and clock.elapsed_minutes > clock.target_minutes:
        # Missed before the sweep saw it: the breach still fires, once.
        clock.breached_at = due or at
        emit_sla_event(ticket=ticket, clock=clock, type="sla.breached", due_at=due or at)


def _resume(clock: SlaClock, at: dt.datetime) -> None:
    clock.running_since, clock.paused_at, clock.achieved_at = at, None, None
    _schedule(clock)


def sla_event_fields(
    *, metric: str, due_at: dt.datetime | None, policy_id: int | None, target_minutes: int
) -> dict[str, Any]:
    """What `sla.warning` / `sla.breached` add to the ticket's fields."""
    return {
        "metric": metric,
        "due_at": due_at.isoformat() if due_at else None,
        "policy_id": policy_id,
        "target_minutes": target_minutes,
    }


SLA_ACTOR = Actor(kind="system", name="sla")


def emit_sla_event(*, ticket: Ticket, clock: SlaClock, type: str, due_at: dt.datetime | None = None) -> None:
    event_record(
        tenant_id=ticket.tenant_id,
        type=type,
        data=ticket_event_data(
            ticket,
            subject=ticket.subject,
            **sla_event_fields(
                metric=clock.metric,
                due_at=due_at or clock.due_at,
                policy_id=clock.policy_id,
                target_minutes=clock.target_minutes,
            ),
        ),
        actor=SLA_ACTOR,
        visibility=Visibility.INTERNAL,
        subject_id=ticket.id,
    )


def _new_clock(ticket: Ticket, metric: str, start: dt.datetime) -> SlaClock:
    return SlaClock(
        tenant_id=ticket.tenant_id, ticket=ticket, metric=metric, started_at=start, running_since=start
    )


def _apply_policy(
    clock: SlaClock, policy: SlaPolicy, calendar: BusinessCalendar | None, minutes: int, at: dt.datetime
) -> None:
    clock.policy, clock.calendar = policy, calendar
    clock.target_minutes, clock.warning_fraction = minutes, policy.warning_fraction
    _schedule(clock)
    _reassess(clock, at)


def _reassess(clock: SlaClock, at: dt.datetime) -> None:
    """A new target (the priority or the policy changed) decides afresh whether an unfinished
    clock is late. Time left under it lifts an earlier breach, and a warning whose threshold
    is ahead again, so the clock never reads "breached" with minutes remaining and the sweep
    fires them again when the new instants come. Time already over it is a breach that the
    next sweep records (due_at is then in the past). Achieved clocks keep their record."""
    if clock.achieved_at is not None:
        return
    used = elapsed(clock, at)
    if clock.breached_at is not None and used < clock.target_minutes:
        clock.breached_at = None
    if clock.warning_sent_at is not None and used < clock.target_minutes * clock.warning_fraction:
        clock.warning_sent_at = None


def _is_staff_reply(tenant: Tenant, ticket: Ticket, data: dict[str, Any]) -> bool | None:
    """True for a public staff reply, False for the requester's, None for anything else."""
    if data.get("is_internal") or data.get("author_membership_id") is None:
        return None
    author_id = data["author_membership_id"]
    if author_id == ticket.requester_id:
        return False
    author = Membership.objects.filter(tenant=tenant, id=author_id).first()
    return True if author is not None and author.is_staff_role else None


@transaction.atomic
def sla_sync(
    *,
    tenant: Tenant,
    ticket_id: int,
    at: dt.datetime,
    event_type: str = "",
    data: dict[str, Any] | None = None,
) -> list[SlaClock]:
    """Bring a ticket's clocks in line with its state after a change that happened `at`."""
    ticket = Ticket.objects.select_for_update(of=("self",)).filter(tenant=tenant, id=ticket_id).first()
    if ticket is None:
        return []
    clocks = {
        c.metric: c for c in SlaClock.objects.filter(tenant=tenant, ticket=ticket).select_related("calendar")
    }
    policy = policy_for(tenant=tenant, ticket=ticket)
    targets = PolicyTargets.model_validate(policy.targets).for_priority(ticket.priority) if policy else {}
    calendar = _policy_calendar(policy) if policy else None
    # Metrics the (new) policy no longer covers: unfinished clocks go, finished ones stay as record.
    for metric, clock in list(clocks.items()):
        if metric not in targets and clock.achieved_at is None:
            clock.delete()
            del clocks[metric]
    if policy is None:
        return list(clocks.values())

    for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
        if metric in targets and metric not in clocks:
            clocks[metric] = _new_clock(ticket, metric, ticket.created_at)
    if Metric.NEXT_RESPONSE in targets and event_type == "message.added":
        reply = _is_staff_reply(tenant, ticket, data or {})
        current = clocks.get(Metric.NEXT_RESPONSE)
        if (
            reply is False
            and ticket.first_response_at is not None
            and (current is None or current.achieved_at)
        ):
            # The customer wrote after being answered: a new next-response episode starts.
            if current is not None:
                current.delete()
            clocks[Metric.NEXT_RESPONSE] = _new_clock(ticket, Metric.NEXT_RESPONSE, at)
        elif reply is True and current is not None and current.achieved_at is None:
            _achieve(current, at, ticket)

    for metric, clock in clocks.items():
        if metric in targets and (
            clock.policy_id != policy.id
            or clock.target_minutes != targets[metric]
            or clock.calendar_id != (calendar.id if calendar else None)
            or clock._state.adding
        ):
            _apply_policy(clock, policy, calendar, targets[metric], at)

    first = clocks.get(Metric.FIRST_RESPONSE)
    if first is not None and first.achieved_at is None and ticket.first_response_at is not None:
        _achieve(first, max(ticket.first_response_at, first.started_at), ticket)
    resolution = clocks.get(Metric.RESOLUTION)
    if resolution is not None:
        if ticket.status in DONE and resolution.achieved_at is None:
            _achieve(resolution, ticket.solved_at or at, ticket)
        elif ticket.status not in DONE and resolution.achieved_at is not None:
            _resume(resolution, at)  # reopened: the resolution clock runs on with the time used

    paused = ticket.status in set(policy.pause_statuses or [])
    for clock in clocks.values():
        if clock.achieved_at is None:
            if paused and clock.running_since is not None:
                _stop(clock, at)
                clock.paused_at = at
            elif not paused and clock.running_since is None:
                _resume(clock, at)
        clock.save()
    return list(clocks.values())
