"""Demo helpdesk rules for `make run`: office hours, SLA per priority, triggers, time rules,
shared macros, assignment strategies, CSAT and a customer organization (idempotent).

Seeded before the demo tickets, so when the worker relays their events the tickets route
themselves, start their SLA clocks and show rule runs in their history.
"""

from __future__ import annotations

from typing import Any

from assignment.services import agent_profile_set, assignment_config_save
from automations.services.config import macro_save, time_rule_save, trigger_save
from csat.services import csat_settings_set
from sla.selectors import policy_list
from sla.services.config import calendar_save, policy_save
from tenancy.models import STAFF_ROLES, Tenant
from tenancy.selectors import membership_list, team_list
from tenancy.services import organization_save

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
TARGETS = {  # minutes: first response, next response, resolution
    "urgent": {"first_response": 30, "next_response": 30, "resolution": 240},
    "high": {"first_response": 60, "next_response": 120, "resolution": 480},
    "normal": {"first_response": 240, "next_response": 480, "resolution": 1440},
    "low": {"first_response": 480, "next_response": 960, "resolution": 2880},
}


def _sla(tenant: Tenant) -> None:
    calendar = calendar_save(
        tenant=tenant,
        name="Office hours",
        timezone="America/New_York",
        weekly_hours={day: [["09:00", "17:00"]] for day in WEEKDAYS},
        holidays=[
            {"date": "2026-12-25", "name": "Christmas Day"},
            {"date": "2027-01-01", "name": "New Year"},
        ],
        is_default=True,
    )
    key_accounts = organization_save(tenant=tenant, name="Initech", domains=["initech.test"])
    policy_save(
        tenant=tenant,
        name="Key accounts (around the clock)",
        position=0,
        conditions={"organization_ids": [key_accounts.id]},
        targets={p: {k: max(15, v // 2) for k, v in t.items()} for p, t in TARGETS.items()},
        business_hours=False,
    )
    policy_save(tenant=tenant, name="Standard", position=10, targets=TARGETS, calendar_id=calendar.id)


def _triggers(tenant: Tenant, support: Any, billing: Any) -> None:
    trigger_save(
        tenant=tenant,
        name="Urgent goes to Support",
        position=0,
        events=["ticket.created", "ticket.updated"],
        conditions={
            "all": [{"field": "priority", "value": "urgent"}, {"field": "team_id", "op": "is_not_set"}]
        },
        actions=[
            {"type": "set_field", "field": "team_id", "value": support.id},
            {"type": "add_note", "text": "Urgent ticket routed to {{ticket.team.name}} by a trigger."},
        ],
    )
    money = [
        {"field": "subject", "op": "contains", "value": word} for word in ("invoice", "refund", "charge")
    ]
    trigger_save(
        tenant=tenant,
        name="Money questions go to Billing",
        position=1,
        events=["ticket.created"],
        conditions={"any": money},
        actions=[
            {"type": "set_field", "field": "team_id", "value": billing.id},
            {"type": "add_tags", "tags": ["billing"]},
        ],
    )
    trigger_save(
        tenant=tenant,
        name="Escalate SLA breaches",
        position=2,
        events=["sla.breached"],
        actions=[
            {"type": "add_tags", "tags": ["sla-breached"]},
            {"type": "set_field", "field": "priority", "value": "urgent"},
            {"type": "notify", "team_id": support.id, "text": "SLA breached: {{ticket.subject}}"},
        ],
    )
    trigger_save(
        tenant=tenant,
        name="Acknowledge email requests",
        position=3,
        events=["ticket.created"],
        conditions={"all": [{"field": "channel", "value": "email"}]},
        actions=[
            {
                "type": "email_requester",
                "subject": "We received your request #{{ticket.number}}",
                "body": "Hello {{ticket.requester.name}},\n\nthanks for writing; {{tenant.name}} "
                "answers within business hours.\n",
            }
        ],
    )


def _time_rules_and_macros(tenant: Tenant) -> None:
    time_rule_save(
        tenant=tenant,
        name="Close solved tickets after 4 days",
        timing={"since": "solved", "hours": 96, "status": ["solved"]},
        actions=[{"type": "set_field", "field": "status", "value": "closed"}],
    )
    time_rule_save(
        tenant=tenant,
        name="Remind on pending after 2 days",
        timing={"since": "status_changed", "hours": 48, "status": ["pending"]},
        actions=[
            {
                "type": "email_requester",
                "subject": "Any news on #{{ticket.number}}?",
                "body": "Hello {{ticket.requester.name}}, we are waiting for your answer on "
                '"{{ticket.subject}}".',
            }
        ],
    )
    macro_save(
        tenant=tenant,
        name="Ask for details",
        actions=[{"type": "set_field", "field": "status", "value": "pending"}],
        reply_text="Hello {{ticket.requester.name}}, could you send us a screenshot and the time it "
        "happened?\n\n{{agent.name}}",
    )
    macro_save(
        tenant=tenant,
        name="Solve as duplicate",
        actions=[
            {"type": "add_tags", "tags": ["duplicate"]},
            {"type": "set_field", "field": "status", "value": "solved"},
        ],
        reply_text="This is the same issue as another ticket of yours; we continue there.",
    )


def seed_demo_workflow(*, tenant: Tenant) -> bool:
    """Configure the tenant's rules once (skipped if it has SLA policies); in its tenant context."""
    if policy_list(tenant=tenant).exists():
        return False
    teams = {team.name: team for team in team_list(tenant=tenant)}
    support = teams.get("Support")
    if support is None:
        return False
    billing = teams.get("Billing", support)
    _sla(tenant)
    _triggers(tenant, support, billing)
    _time_rules_and_macros(tenant)
    assignment_config_save(tenant=tenant, team_id=support.id, strategy="round_robin")
    if billing is not support:
        assignment_config_save(tenant=tenant, team_id=billing.id, strategy="least_loaded")
    for member in membership_list(tenant=tenant):
        if member.role in STAFF_ROLES:
            agent_profile_set(tenant=tenant, membership=member, availability="online", capacity=20)
    csat_settings_set(tenant=tenant, enabled=True, scale="five", email_requester=True)
    return True
