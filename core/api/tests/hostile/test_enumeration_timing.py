"""Enumeration and timing on sign-in and password reset.

Advisory: Zammad CVE-2020-26034 (user enumeration through different answers and response
times). For a known and an unknown address, sign-in (wrong password) and reset requests
give the same status and body, and take a similar time: the medians of several tries are
compared loosely (a ratio under 3, or under 40 ms apart), so a busy machine does not flake.
"""

from __future__ import annotations

import json
import statistics
import time

import pytest
from django.test import Client

from testing.factories import host_for

ADVISORY_CLASS = "enumeration and timing"
pytestmark = pytest.mark.django_db
TRIES = 7


def _timed(client: Client, path: str, body: dict) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    response = client.post(path, json.dumps(body), content_type="application/json")
    return response.status_code, response.content, time.perf_counter() - started


def _compare(tally, where: str, known: list, unknown: list) -> None:
    answers = {(s, b) for s, b, _ in known} | {(s, b) for s, b, _ in unknown}
    k, u = (statistics.median(t for *_, t in runs) for runs in (known, unknown))
    similar = max(k, u) / max(min(k, u), 1e-6) < 3 or abs(k - u) < 0.040
    tally.judge("known vs unknown address", where, status=max(s for s, _ in answers),
                harmless=len(answers) == 1 and similar,
                detail=f"answers {sorted(answers)[:2]}, medians {k * 1000:.1f} vs {u * 1000:.1f} ms")  # fmt: skip


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/password-reset"])
def test_known_and_unknown_addresses_look_alike(two_tenants, settings, tally, path):
    settings.LOGIN_MAX_FAILURES = 1000  # measure the answer, not the lockout
    settings.PASSWORD_RESET_MAX_PER_HOUR = 1000
    settings.SELF_SERVICE_MAX_PER_IP_PER_HOUR = 1000
    client = Client(HTTP_HOST=host_for(two_tenants.a.tenant))
    for known_email, unknown_email in (
        (two_tenants.a.agent.user.email, "nobody@acme.test"),
        (two_tenants.a.customer.user.email, "Nobody.Else@Example.test"),
        (two_tenants.b.agent.user.email, "nobody2@acme.test"),  # a member of another tenant only
    ):
        body = lambda email: {"email": email, "password": "wrong password"}  # noqa: E731
        _timed(client, path, body(known_email)), _timed(client, path, body(unknown_email))  # warm up
        known = [_timed(client, path, body(known_email)) for _ in range(TRIES)]
        unknown = [_timed(client, path, body(unknown_email)) for _ in range(TRIES)]
        _compare(tally, f"{path} ({known_email} vs {unknown_email})", known, unknown)
    tally.assert_held()
