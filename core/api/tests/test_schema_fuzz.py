"""Every operation of the OpenAPI schema, fed generated input (Schemathesis): never a 500.

Schemathesis reads the schema core serves and generates path ids, query strings and bodies
for each operation, valid and invalid (wrong types, boundary values, odd Unicode, raw
bytes). Each is sent through Django's test client as a tenant's owner, then as a customer,
with an API token, then with no credentials on the tenant's host, in the test's transaction:
the public operations (sign-up, login, resets, the knowledge base, CSAT links) get the full
budget, the rest a few examples each (they answer 401 before reading their input). Any answer of 500 or more fails and prints the request.
Derandomized, so a failure reproduces on the next run; it found a tsquery cut mid-quote in
the KB suggest, and NUL characters and out-of-range time zones reaching PostgreSQL.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings

from api.main import api
from tenancy.models import Role
from testing.factories import host_for, make_world, token_client

# About 1.5 minutes of CPU for the whole schema and both roles; FRONTLINE_FUZZ_EXAMPLES=100
# searches deeper (locally, not in CI).
EXAMPLES_PER_OPERATION = int(os.environ.get("FRONTLINE_FUZZ_EXAMPLES", "8"))
# Without credentials an operation that needs a sign-in stops at 401 before its input is
# parsed: a few examples prove that path, the public operations get the full budget.
EXAMPLES_SIGNED_OUT = max(1, EXAMPLES_PER_OPERATION // 4)

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


def _public(ctx: Any) -> bool:
    """An operation open without credentials: the schema lists no security for it."""
    return "security" not in ctx.operation.definition.raw


FUZZ_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    # The client fixtures are made once per operation and caller, not per example, on purpose.
    "suppress_health_check": list(HealthCheck),
}


@pytest.fixture(params=[Role.OWNER, Role.CUSTOMER])
def member_client(request: pytest.FixtureRequest, db: None) -> Client:
    """Staff and customers take different branches behind the same operations."""
    client, _ = token_client(make_world("fuzz").members[request.param])
    return client


def _body(case: Any) -> bytes:
    if isinstance(case.body, bytes):
        return case.body  # a generated raw body that is not JSON at all
    if case.body is None or isinstance(case.body, schemathesis.core.NotSet):
        return b""
    return json.dumps(case.body).encode()


@pytest.fixture
def anonymous_client(db: None) -> Client:
    """No token, no session, on a real tenant's host (the public routes look the tenant up)."""
    return Client(HTTP_HOST=host_for(make_world("fuzz").tenant))


def _assert_no_server_error(case: Any, client: Client) -> None:
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    response = client.generic(case.method, path, _body(case), content_type="application/json")
    assert response.status_code < 500, (
        f"{case.method} {path} body={case.body!r} answered {response.status_code}: {response.content[:300]!r}"
    )


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, **FUZZ_SETTINGS)
def test_generated_input_never_answers_500(case: Any, member_client: Client) -> None:
    _assert_no_server_error(case, member_client)


@schema.include(func=_public).parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, **FUZZ_SETTINGS)
def test_public_operations_never_answer_500_signed_out(case: Any, anonymous_client: Client) -> None:
    _assert_no_server_error(case, anonymous_client)


@schema.exclude(func=_public).parametrize()
@settings(max_examples=EXAMPLES_SIGNED_OUT, **FUZZ_SETTINGS)
def test_signed_in_operations_never_answer_500_signed_out(case: Any, anonymous_client: Client) -> None:
    _assert_no_server_error(case, anonymous_client)
