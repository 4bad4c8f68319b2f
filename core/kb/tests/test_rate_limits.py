"""Rate limits of the public KB endpoints: per client address and tenant, 429 with Retry-After."""

import json

import pytest
from django.test import Client, override_settings

from kb.tests.conftest import make_article

pytestmark = pytest.mark.django_db

# An hour-long window, so a test never straddles a window boundary.
LIMITS = {scope: (3, 3600) for scope in ("suggest", "search", "view", "vote", "deflection")}


def visitor(world, address: str) -> Client:
    return Client(HTTP_HOST=f"{world.tenant.slug}.localhost", REMOTE_ADDR=address)


def requests_for(article):
    """Every throttled endpoint, as a callable on a client."""
    return {
        "suggest": lambda c: c.get("/api/v1/kb/suggest", {"q": "router"}),
        "search": lambda c: c.get("/api/v1/kb/search", {"q": "router"}),
        "view": lambda c: c.post(f"/api/v1/kb/articles/{article.slug}/view"),
        "vote": lambda c: c.post(
            f"/api/v1/kb/articles/{article.slug}/vote", json.dumps({"helpful": True}), "application/json"
        ),
        "deflection": lambda c: c.post(
            "/api/v1/kb/deflections",
            json.dumps({"article_id": article.id, "form_session": "f1", "query": "router"}),
            "application/json",
        ),
    }


@override_settings(KB_RATE_LIMITS=LIMITS)
@pytest.mark.parametrize("scope", sorted(LIMITS))
def test_each_anonymous_endpoint_answers_429_past_its_limit(two_tenants, scope):
    # Given a published article and an anonymous visitor at one address
    article = make_article(two_tenants.a.agent, "Restart the router", "Unplug it.")
    call = requests_for(article)[scope]
    client = visitor(two_tenants.a, "198.51.100.7")

    # When it calls the endpoint one time more than the limit
    answers = [call(client) for _ in range(4)]

    # Then the first three are served and the fourth is refused as problem+json with Retry-After
    assert [r.status_code < 400 for r in answers] == [True, True, True, False]
    refused = answers[-1]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert "Too many requests" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 3600


@override_settings(KB_RATE_LIMITS=LIMITS)
def test_limit_is_per_address_and_per_tenant(two_tenants):
    # Given one address that used up tenant A's suggest budget
    make_article(two_tenants.a.agent, "Restart the router", "Unplug it.")
    busy = visitor(two_tenants.a, "203.0.113.9")
    for _ in range(3):
        assert busy.get("/api/v1/kb/suggest", {"q": "router"}).status_code == 200
    assert busy.get("/api/v1/kb/suggest", {"q": "router"}).status_code == 429

    # Then another address of tenant A, and the same address on tenant B, are still served
    assert visitor(two_tenants.a, "203.0.113.10").get("/api/v1/kb/suggest", {"q": "x"}).status_code == 200
    assert visitor(two_tenants.b, "203.0.113.9").get("/api/v1/kb/suggest", {"q": "x"}).status_code == 200
