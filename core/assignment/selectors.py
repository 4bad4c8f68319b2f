"""Assignment reads: configurations and agent profiles of a tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from assignment.models import AgentProfile, AssignmentConfig
from tenancy.models import Tenant


def assignment_config_list(*, tenant: Tenant) -> QuerySet[AssignmentConfig]:
    return AssignmentConfig.objects.filter(tenant=tenant).order_by("team_id", "id")


def assignment_config_get(*, tenant: Tenant, config_id: int) -> AssignmentConfig | None:
    return assignment_config_list(tenant=tenant).filter(id=config_id).first()


def agent_profile_list(*, tenant: Tenant) -> QuerySet[AgentProfile]:
    return AgentProfile.objects.filter(tenant=tenant).order_by("membership_id")
