"""Tickets nobody can take now wait unassigned, then go out by the strategy when an agent is free."""

import pytest

from assignment.services import agent_profile_set, assign_waiting, assignment_config_save
from assignment.tasks import assign_waiting_for_tenant
from assignment.tests.helpers import make_team
from assignment.tests.test_routing import create
from tenancy.context import tenant_context
from tickets.models import Ticket
from tickets.services.tickets import ticket_update

pytestmark = pytest.mark.django_db


def assignees(world, tickets):
    with tenant_context(world.tenant.id):
        return [Ticket.objects.get(tenant=world.tenant, id=t.id).assignee_id for t in tickets]


def run(world):
    with tenant_context(world.tenant.id):
        return assign_waiting(tenant=world.tenant)


def test_tickets_wait_while_everyone_is_away_and_go_out_when_an_agent_comes_online(
    two_tenants, django_capture_on_commit_callbacks
):
    acme = two_tenants.a
    team, (a1, a2) = make_team(acme, 2)
    with tenant_context(acme.tenant.id):
        for agent in (a1, a2):
            agent_profile_set(tenant=acme.tenant, membership=agent, availability="away")
    waiting = [create(acme, team) for _ in range(4)]
    assert assignees(acme, waiting) == [None] * 4
    assert run(acme) == 0  # still nobody there: the queue stays as it is
    # when a1 comes online, the change schedules the queue run after commit
    with django_capture_on_commit_callbacks() as callbacks, tenant_context(acme.tenant.id):
        agent_profile_set(tenant=acme.tenant, membership=a1, availability="online")
    assert len(callbacks) == 1
    assert assign_waiting_for_tenant(acme.tenant.id) == 4  # what that callback's task does
    assert assignees(acme, waiting) == [a1.id] * 4


def test_capacity_frees_up_and_the_oldest_waiting_ticket_goes_first(two_tenants):
    acme = two_tenants.a
    team, (agent,) = make_team(acme, 1, strategy="least_loaded")
    with tenant_context(acme.tenant.id):
        agent_profile_set(tenant=acme.tenant, membership=agent, capacity=1)
    first, second, third = (create(acme, team) for _ in range(3))
    assert assignees(acme, [first, second, third]) == [agent.id, None, None]
    with tenant_context(acme.tenant.id):
        ticket_update(tenant=acme.tenant, ticket=first, actor=acme.agent, changes={"status": "solved"})
    assert run(acme) == 1
    assert assignees(acme, [second, third]) == [agent.id, None]


def test_manual_teams_and_other_tenants_are_left_alone(two_tenants):
    acme, globex = two_tenants.a, two_tenants.b
    manual_team, _ = make_team(acme, 1, strategy="manual", name="Manual")
    by_hand = create(acme, manual_team)
    team, (agent,) = make_team(acme, 1)
    with tenant_context(acme.tenant.id):
        agent_profile_set(tenant=acme.tenant, membership=agent, availability="offline")
    queued = create(acme, team)
    g_team, (g_agent,) = make_team(globex, 1)
    with tenant_context(globex.tenant.id):
        agent_profile_set(tenant=globex.tenant, membership=g_agent, availability="offline")
    g_queued = create(globex, g_team)
    with tenant_context(acme.tenant.id):
        agent_profile_set(tenant=acme.tenant, membership=agent, availability="online")
    assert run(acme) == 1
    assert assignees(acme, [by_hand, queued]) == [None, agent.id]
    assert assignees(globex, [g_queued]) == [None]
    # a disabled configuration queues nothing out
    with tenant_context(globex.tenant.id):
        from assignment.selectors import assignment_config_list

        assignment_config_save(
            tenant=globex.tenant, config=assignment_config_list(tenant=globex.tenant).get(), enabled=False
        )
        agent_profile_set(tenant=globex.tenant, membership=g_agent, availability="online")
    assert run(globex) == 0
