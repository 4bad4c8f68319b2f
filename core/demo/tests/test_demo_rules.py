"""The demo seed configures every rule kind, once, and its tickets route themselves."""

import pytest

from assignment.selectors import assignment_config_list
from automations.selectors import rule_runs
from automations.tests.helpers import settle
from csat.services import csat_settings_get
from demo.seed import seed_demo
from sla.selectors import calendar_list, policy_list, ticket_clocks
from tenancy.context import tenant_context
from tenancy.selectors import organization_list, tenant_by_slug
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_demo_tenants_get_hours_sla_rules_macros_assignment_and_csat_once():
    seed_demo(history=False)  # the rules and the four demo tickets they route
    seed_demo(history=False)  # safe to run again: nothing doubles
    settle()  # what the worker does under `make run`
    acme = tenant_by_slug(slug="acme")
    with tenant_context(acme.id):
        from automations.models import Macro, TimeRule, Trigger

        assert [c.is_default for c in calendar_list(tenant=acme)] == [True]
        assert [p.name for p in policy_list(tenant=acme)] == ["Key accounts (around the clock)", "Standard"]
        assert Trigger.objects.filter(tenant=acme).count() == 4
        assert TimeRule.objects.filter(tenant=acme).count() == 2
        assert Macro.objects.filter(tenant=acme, owner__isnull=True).count() == 2
        assert {c.strategy for c in assignment_config_list(tenant=acme)} == {"round_robin", "least_loaded"}
        assert csat_settings_get(tenant=acme).scale == "five"
        assert [o.name for o in organization_list(tenant=acme)] == ["Initech"]
        tickets = {t.subject: t for t in Ticket.objects.filter(tenant=acme).select_related("team")}
        # the urgent export ticket was routed to Support by the trigger, the invoice one to Billing
        export = tickets["Export to CSV times out"]
        invoice = tickets["Invoice for March is duplicated"]
        assert export.team.name == "Support"
        assert invoice.team.name == "Billing" and "billing" in invoice.tags
        # and then given to a Support agent by the team's round robin (the demo does not assign it)
        from tickets.selectors.misc import ticket_history

        vias = {c.via for c in ticket_history(tenant=acme, ticket=export) if c.field == "assignee_id"}
        assert vias == {"assignment:round_robin"}
        assert rule_runs(tenant=acme, ticket=export).exists()
        # every demo ticket has running SLA clocks from the standard policy
        for ticket in tickets.values():
            clocks = ticket_clocks(tenant=acme, ticket=ticket)
            assert {c.metric for c in clocks} >= {"first_response", "resolution"}, ticket.subject
            assert all(c.policy.name == "Standard" for c in clocks)
