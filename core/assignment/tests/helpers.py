"""Set-up shared by the assignment tests: a team of agents and its strategy."""

from __future__ import annotations

from typing import Any

from assignment.services import assignment_config_save
from tenancy.context import tenant_context
from tenancy.models import Role
from tenancy.services import team_add_member, team_create
from testing.factories import make_member


def make_team(
    world: Any, size: int, strategy: str = "round_robin", name: str = "Support"
) -> tuple[Any, list[Any]]:
    with tenant_context(world.tenant.id):
        team = team_create(tenant=world.tenant, name=name)
    agents = [make_member(world.tenant, Role.AGENT) for _ in range(size)]
    with tenant_context(world.tenant.id):
        for agent in agents:
            team_add_member(tenant=world.tenant, team=team, membership=agent)
        assignment_config_save(tenant=world.tenant, team_id=team.id, strategy=strategy)
    return team, agents
