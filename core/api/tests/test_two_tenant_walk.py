"""The generated two-tenant walk (testing/tenant_walk.py): every API route with an id in its
path, every method, asked by tenant A's staff (the owner: every role-scoped route is open to
them) and A's customer, with tenant B's ids one at a time: each answers 404.

The check can fail: the owner's request with A's own ids must find them (anything but 404
and 5xx), and the last tests break one route on purpose and watch the walk catch it. A
customer refused by role gets 403 whatever the id; that passes only if the answer for A's
own ids is the very same 403 (the refusal does not depend on whose id it is).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja.errors import HttpError

from tenancy import selectors as tenancy_selectors
from tenancy.models import Team
from testing.factories import token_client
from testing.tenant_walk import Operation, operations_with_path_ids, send, swaps
from testing.walk_seeds import ID_FACTORIES, WorldSeeds

pytestmark = pytest.mark.django_db

OPERATIONS = operations_with_path_ids()


@pytest.fixture(autouse=True)
def _loopback_targets_allowed(settings: Any) -> None:
    """The seeded webhook and mailbox point at 127.0.0.1 (no name to resolve, nothing sent)."""
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    settings.FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS = True


def walk(two_tenants: Any, operations: list[Operation]) -> list[str]:
    """Every operation as A's owner and A's customer with B's ids; the failures, described."""
    seeds_a, seeds_b = WorldSeeds(two_tenants.a), WorldSeeds(two_tenants.b)
    host = seeds_a.host
    clients: dict[str, Client] = {
        "staff": token_client(two_tenants.a.owner)[0],
        "customer": token_client(two_tenants.a.customer)[0],
    }
    failures = []
    for operation in operations:
        own = {name: ID_FACTORIES[name](seeds_a, operation.path) for name in operation.params}
        other = {name: ID_FACTORIES[name](seeds_b, operation.path) for name in operation.params}
        body_ids = {"target_id": int(seeds_a.other_ticket)}
        control = send(clients["staff"], operation, own, host, body_ids)
        if control.status_code == 404 or control.status_code >= 500:
            failures.append(f"{operation} with A's own ids answered A's owner {control.status_code}")
        for role, client in clients.items():
            own_answer = send(client, operation, own, host, body_ids) if role == "customer" else control
            for name, values in swaps(operation, own, other):
                answer = send(client, operation, values, host, body_ids)
                if answer.status_code == 404:
                    continue
                refused_by_role = answer.status_code == 403 and (
                    own_answer.status_code,
                    own_answer.content,
                ) == (403, answer.content)
                if role == "customer" and refused_by_role:
                    continue
                failures.append(
                    f"{operation} with B's {name} answered A's {role} {answer.status_code}: "
                    f"{answer.content[:160]!r}"
                )
    return failures


def test_every_path_parameter_has_a_factory():
    """A new route whose id kind the walk cannot make fails here until walk_seeds knows it."""
    names = {name for operation in OPERATIONS for name in operation.params}
    unknown = sorted(names - ID_FACTORIES.keys())
    assert not unknown, f"add a factory to testing/walk_seeds.ID_FACTORIES for: {', '.join(unknown)}"
    assert len(OPERATIONS) > 80  # the routers were read, not an empty list


def test_every_route_with_an_id_answers_404_to_another_tenant(two_tenants):
    failures = walk(two_tenants, OPERATIONS)
    assert not failures, f"{len(failures)} of {len(OPERATIONS)} operations:\n" + "\n".join(failures)


def _team_routes() -> list[Operation]:
    return [op for op in OPERATIONS if op.path == "/api/v1/teams/{team_id}"]


def test_the_walk_catches_a_route_that_ignores_the_id(two_tenants, monkeypatch):
    """Break GET /teams/{id} so it answers the caller's own team whatever id is asked: a leak."""

    def leaky(*, tenant: Any, team_id: int) -> Any:
        return Team.objects.filter(tenant=tenant).first()

    monkeypatch.setattr(tenancy_selectors, "team_get", leaky)
    failures = walk(two_tenants, _team_routes())
    assert any("with B's team_id answered A's staff 200" in f for f in failures), failures


def test_the_walk_catches_a_403_that_tells_the_id_exists(two_tenants, monkeypatch):
    def forbidden(*, tenant: Any, team_id: int) -> Any:
        raise HttpError(403, "Not your team.")

    monkeypatch.setattr(tenancy_selectors, "team_get", forbidden)
    failures = walk(two_tenants, _team_routes())
    assert any("answered A's staff 403" in f for f in failures), failures
