"""Demo tenants for `make run`: acme and globex, each with an owner, agents, customers, teams,
rules, tickets, a help centre and four weeks of history (demo.history)."""

from __future__ import annotations

from django.db import transaction

from accounts.selectors import membership_for_user, user_by_email
from accounts.services.members import membership_set
from accounts.services.users import user_create
from demo.data import DEMO_OPERATOR, DEMO_PASSWORD, DEMO_TENANTS
from demo.history import seed_demo_history
from demo.kb import seed_demo_kb
from demo.rules import seed_demo_workflow
from demo.tickets import seed_demo_tickets
from tenancy.context import tenant_context
from tenancy.models import Role
from tenancy.selectors import organization_list, team_list
from tenancy.services import team_add_member, team_create, tenant_get_or_create

# The tenant the first-run tour shows with four weeks of history (the seed's slowest part).
HISTORY_TENANT = "acme"


def seed_demo(*, history: bool = True) -> list[tuple[str, str, str]]:
    """Create the demo data if missing (idempotent). Returns (tenant, email, role) rows.
    Without `history`, only the people, rules and the four demo tickets (what most browser
    tests build on, faster)."""
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
                memberships = []
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
                    memberships.append(membership)
                    rows.append((slug, person.email, person.role))
                seed_demo_workflow(tenant=tenant)  # the rules first: they route the tickets
                seed_demo_tickets(tenant=tenant)
                if not history or slug != HISTORY_TENANT:
                    continue
                owner = next((m for m in memberships if m.role == Role.OWNER), None)
                seed_demo_kb(tenant=tenant, author=owner)
                initech = organization_list(tenant=tenant).filter(name="Initech").first()
                seed_demo_history(tenant=tenant, organization=initech)
    return rows
