"""Demo tenants for `make run`: acme and globex, each with an owner, agents, customers, teams."""

from __future__ import annotations

from django.db import transaction

from accounts.selectors import membership_for_user, user_by_email
from accounts.services.members import membership_set
from accounts.services.users import user_create
from demo.data import DEMO_OPERATOR, DEMO_PASSWORD, DEMO_TENANTS
from demo.rules import seed_demo_workflow
from demo.tickets import seed_demo_tickets
from tenancy.context import tenant_context
from tenancy.selectors import team_list
from tenancy.services import team_add_member, team_create, tenant_get_or_create


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo data if missing (idempotent). Returns (tenant, email, role) rows."""
    rows: list[tuple[str, str, str]] = []
    with transaction.atomic():
        if user_by_email(email=DEMO_OPERATOR.email) is None:
            user_create(
                email=DEMO_OPERATOR.email,
                password=DEMO_PASSWORD,
                full_name=DEMO_OPERATOR.name,
                is_superuser=True,
            )
        rows.append(("(platform)", DEMO_OPERATOR.email, "operator"))
        for slug, (name, people) in DEMO_TENANTS.items():
            tenant, _ = tenant_get_or_create(slug=slug, name=name)
            with tenant_context(tenant.id):
                teams = {team.name: team for team in team_list(tenant=tenant)}
                for person in people:
                    user = user_by_email(email=person.email) or user_create(
                        email=person.email, password=DEMO_PASSWORD, full_name=person.name
                    )
                    membership = membership_for_user(tenant=tenant, user=user) or membership_set(
                        tenant=tenant, user=user, role=person.role
                    )
                    for team_name in person.teams:
                        if team_name not in teams:
                            teams[team_name] = team_create(tenant=tenant, name=team_name)
                        team_add_member(tenant=tenant, team=teams[team_name], membership=membership)
                    rows.append((slug, person.email, person.role))
                seed_demo_workflow(tenant=tenant)  # the rules first: they route the tickets
                seed_demo_tickets(tenant=tenant)
    return rows
