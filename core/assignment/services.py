"""Assignment writes: strategy configuration, agent routing profiles, and assigning a ticket."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from assignment.models import AgentProfile, AssignmentConfig, Availability
from assignment.strategies import get_strategy, registry
from assignment.strategies.base import Candidate, Context, TicketFacts
from jobs import enqueue_on_commit, task_name
from tenancy.models import STAFF_ROLES, Membership, Team, TeamMembership, Tenant
from tickets.models import StatusCategory, Ticket
from tickets.services.tickets import normalize_tags, ticket_update

ASSIGN_WAITING_FOR_TENANT = task_name("assignment.tasks.assign_waiting_for_tenant")
OPEN_STATUSES = (StatusCategory.NEW, StatusCategory.OPEN, StatusCategory.PENDING, StatusCategory.ON_HOLD)


class AssignmentOptions(BaseModel):
    """Options every strategy understands; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")
    include_away: bool = False
    require_match: bool = True


def _options(data: dict[str, Any]) -> dict[str, Any]:
    try:
        return AssignmentOptions.model_validate(data).model_dump()
    except PydanticValidationError as exc:
        raise ValidationError({"options": [e["msg"] for e in exc.errors()]}) from exc


@transaction.atomic
def assignment_config_save(
    *,
    tenant: Tenant,
    config: AssignmentConfig | None = None,
    team_id: int | None = None,
    strategy: str | None = None,
    options: dict[str, Any] | None = None,
    enabled: bool | None = None,
) -> AssignmentConfig:
    """Create (config None) or update the strategy of a team, or of the tenant (team None)."""
    obj = config or AssignmentConfig(tenant=tenant, strategy="manual")
    if config is None and team_id is not None:
        if not Team.objects.filter(tenant=tenant, id=team_id).exists():
            raise ValidationError({"team_id": f"No team {team_id} in this tenant."})
        obj.team_id = team_id
    if strategy is not None:
        if strategy not in registry():
            raise ValidationError({"strategy": f"Use one of {', '.join(sorted(registry()))}."})
        obj.strategy = strategy
    if options is not None:
        obj.options = _options(options)
    if enabled is not None:
        obj.enabled = enabled
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"team_id": "This team (or the tenant default) already has a configuration."}
        ) from exc
    return obj


@transaction.atomic
def assignment_config_delete(*, tenant: Tenant, config: AssignmentConfig) -> None:
    config.delete()


@transaction.atomic
def agent_profile_set(
    *,
    tenant: Tenant,
    membership: Membership,
    availability: str | None = None,
    capacity: int | None = None,
    clear_capacity: bool = False,
    skills: list[str] | None = None,
) -> AgentProfile:
    if membership.role not in STAFF_ROLES:
        raise ValidationError({"membership_id": "Only agents, admins and owners take tickets."})
    profile, _ = AgentProfile.objects.select_for_update().get_or_create(tenant=tenant, membership=membership)
    if availability is not None:
        if availability not in Availability.values:
            raise ValidationError({"availability": f"Use one of {', '.join(Availability.values)}."})
        profile.availability = availability
    if capacity is not None or clear_capacity:
        profile.capacity = capacity
    if skills is not None:
        profile.skills = normalize_tags(skills)
    profile.save()
    if profile.availability == Availability.ONLINE:
        # An agent coming online (or given more room) takes the tickets waiting in the queue.
        enqueue_on_commit(ASSIGN_WAITING_FOR_TENANT, tenant_id=tenant.id)
    return profile


def _config_for(tenant: Tenant, team_id: int | None) -> AssignmentConfig | None:
    """The team's configuration, else the tenant default; locked until commit."""
    locked = AssignmentConfig.objects.select_for_update()
    if team_id is not None:
        found = locked.filter(tenant=tenant, team_id=team_id).first()
        if found is not None:
            return found
    return locked.filter(tenant=tenant, team__isnull=True).first()


def candidates_for(
    *, tenant: Tenant, team_id: int | None, include_away: bool = False
) -> tuple[Candidate, ...]:
    """Staff who may take a ticket now (in the team if any), available and under capacity."""
    members = Membership.objects.filter(tenant=tenant, role__in=STAFF_ROLES, deactivated_at__isnull=True)
    if team_id is not None:
        members = members.filter(
            id__in=TeamMembership.objects.filter(tenant=tenant, team_id=team_id).values("membership_id")
        )
    ids = list(members.order_by("id").values_list("id", flat=True))
    profiles = {p.membership_id: p for p in AgentProfile.objects.filter(tenant=tenant, membership_id__in=ids)}
    load = dict(
        Ticket.objects.filter(tenant=tenant, assignee_id__in=ids, status__in=OPEN_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    allowed = {Availability.ONLINE} | ({Availability.AWAY} if include_away else set())
    result = []
    for member_id in ids:
        profile = profiles.get(member_id)
        if profile is not None and profile.availability not in allowed:
            continue
        open_now = load.get(member_id, 0)
        if profile is not None and profile.capacity is not None and open_now >= profile.capacity:
            continue
        skills = frozenset(profile.skills) if profile is not None else frozenset()
        result.append(Candidate(membership_id=member_id, open_tickets=open_now, skills=skills))
    return tuple(result)


@transaction.atomic
def ticket_auto_assign(*, tenant: Tenant, ticket_id: int) -> int | None:
    """Assign an unassigned open ticket by its team's (or the tenant's) strategy; the chosen id."""
    ticket = Ticket.objects.filter(tenant=tenant, id=ticket_id).first()
    if ticket is None or ticket.assignee_id is not None or ticket.status not in OPEN_STATUSES:
        return None
    config = _config_for(tenant, ticket.team_id)
    if config is None or not config.enabled:
        return None
    strategy = get_strategy(config.strategy)
    options = _options(config.options or {})
    ctx = Context(
        ticket=TicketFacts(tags=frozenset(ticket.tags), category=ticket.category, priority=ticket.priority),
        candidates=candidates_for(
            tenant=tenant, team_id=ticket.team_id, include_away=options["include_away"]
        ),
        last_assigned_membership_id=config.last_assigned_membership_id,
        options=options,
    )
    chosen = strategy.choose(ctx)
    if chosen is None:
        return None
    config.last_assigned_membership_id = chosen
    config.save(update_fields=["last_assigned_membership_id"])
    ticket_update(
        tenant=tenant,
        ticket=ticket,
        actor=None,
        changes={"assignee_id": chosen},
        via=f"assignment:{strategy.key}",
    )
    return chosen


WAITING_BATCH = 200


def assign_waiting(*, tenant: Tenant, limit: int = WAITING_BATCH) -> int:
    """Assign queued tickets: open, unassigned tickets whose team (or the tenant) has an
    automatic strategy, oldest first. They wait there while every agent is away, offline or
    at capacity, and this runs every minute and when an agent comes online. Returns how many
    were assigned; a team stops being tried at its first ticket nobody could take."""
    configs = list(AssignmentConfig.objects.filter(tenant=tenant, enabled=True).exclude(strategy="manual"))
    if not configs:
        return 0
    waiting = Ticket.objects.filter(tenant=tenant, assignee__isnull=True, status__in=OPEN_STATUSES)
    configured_teams = {c.team_id for c in configs if c.team_id is not None}
    if not any(c.team_id is None for c in configs):  # no tenant default: only the configured teams
        waiting = waiting.filter(team_id__in=configured_teams)
    skills = {c.team_id for c in configs if c.strategy == "skills"}
    full: set[int | None] = set()
    assigned = 0
    for ticket_id, team_id in waiting.order_by("id").values_list("id", "team_id")[:limit]:
        # Skills depend on the ticket, so a skills team keeps trying; others are full for now.
        key = team_id if team_id in configured_teams else None
        if key in full:
            continue
        if ticket_auto_assign(tenant=tenant, ticket_id=ticket_id) is not None:
            assigned += 1
        elif key not in skills:
            full.add(key)
    return assigned
