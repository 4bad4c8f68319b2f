"""Tickets route themselves through the relay: strategies, availability, capacity, history."""

import pytest

from assignment.services import agent_profile_set, assignment_config_save, ticket_auto_assign
from assignment.tests.helpers import make_team
from events.relay import relay_all
from tenancy.context import tenant_context
from tickets.models import Ticket
from tickets.selectors.misc import ticket_history
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def create(world, team=None, **kw):
    with tenant_context(world.tenant.id):
        ticket = ticket_create(
            tenant=world.tenant,
            actor=world.customer if team is None else world.agent,
            subject=kw.pop("subject", "Help"),
            body_text="please",
            team_id=team.id if team else None,
            requester_id=world.customer.id,
            **kw,
        ).ticket
    relay_all()
    with tenant_context(world.tenant.id):
        return Ticket.objects.get(tenant=world.tenant, id=ticket.id)


def test_round_robin_team_takes_turns_and_records_the_rule(two_tenants):
    acme = two_tenants.a
    team, agents = make_team(acme, 3)
    got = [create(acme, team).assignee_id for _ in range(6)]
    assert got == [a.id for a in agents] * 2
    with tenant_context(acme.tenant.id):
        ticket = Ticket.objects.filter(tenant=acme.tenant, assignee_id=agents[0].id).order_by("id").first()
        change = next(
            c for c in ticket_history(tenant=acme.tenant, ticket=ticket) if c.field == "assignee_id"
        )
    assert change.via == "assignment:round_robin"
    assert change.actor_id is None


def test_offline_agents_and_full_agents_are_skipped(two_tenants):
    acme = two_tenants.a
    team, (a1, a2, a3) = make_team(acme, 3)
    with tenant_context(acme.tenant.id):
        agent_profile_set(tenant=acme.tenant, membership=a1, availability="offline")
        agent_profile_set(tenant=acme.tenant, membership=a2, capacity=1)
    got = [create(acme, team).assignee_id for _ in range(4)]
    assert got == [a2.id, a3.id, a3.id, a3.id]


def test_everyone_away_leaves_the_ticket_unassigned_unless_away_is_allowed(two_tenants):
    acme = two_tenants.a
    team, agents = make_team(acme, 2)
    with tenant_context(acme.tenant.id):
        for agent in agents:
            agent_profile_set(tenant=acme.tenant, membership=agent, availability="away")
    assert create(acme, team).assignee_id is None
    with tenant_context(acme.tenant.id):
        from assignment.selectors import assignment_config_list

        config = assignment_config_list(tenant=acme.tenant).get()
        assignment_config_save(tenant=acme.tenant, config=config, options={"include_away": True})
    assert create(acme, team).assignee_id == agents[0].id


def test_least_loaded_and_skills(two_tenants):
    acme = two_tenants.a
    team, (a1, a2) = make_team(acme, 2, strategy="least_loaded")
    with tenant_context(acme.tenant.id):
        # a1 already has two open tickets
        for _ in range(2):
            ticket_create(tenant=acme.tenant, actor=acme.agent, subject="x", body_text="y", assignee_id=a1.id)
    assert create(acme, team).assignee_id == a2.id
    skills_team, (s1, s2) = make_team(acme, 2, strategy="skills", name="Specialists")
    with tenant_context(acme.tenant.id):
        agent_profile_set(tenant=acme.tenant, membership=s1, skills=["billing"])
        agent_profile_set(tenant=acme.tenant, membership=s2, skills=["api"])
    assert create(acme, skills_team, tags=["api"]).assignee_id == s2.id
    assert create(acme, skills_team, category="Billing").assignee_id == s1.id
    assert create(acme, skills_team, tags=["shipping"]).assignee_id is None


def test_tenant_default_applies_to_tickets_without_a_team_config(two_tenants):
    acme = two_tenants.a
    # no configuration at all: manual
    assert create(acme).assignee_id is None
    with tenant_context(acme.tenant.id):
        assignment_config_save(tenant=acme.tenant, strategy="round_robin")
    # staff of the tenant by membership id: owner, admin, agent
    got = [create(acme).assignee_id for _ in range(3)]
    assert got == sorted([acme.owner.id, acme.admin.id, acme.agent.id])


def test_already_assigned_or_solved_tickets_are_left_alone(two_tenants):
    acme = two_tenants.a
    team, agents = make_team(acme, 2)
    with tenant_context(acme.tenant.id):
        ticket = ticket_create(
            tenant=acme.tenant,
            actor=acme.agent,
            subject="x",
            body_text="y",
            team_id=team.id,
            assignee_id=acme.agent.id,
        ).ticket
        assert ticket_auto_assign(tenant=acme.tenant, ticket_id=ticket.id) is None
