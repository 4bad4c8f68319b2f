"""Saved views (per member, validated) and the SLA-at-risk queue, with two-tenant isolation."""

import pytest

from sla.tests.helpers import make_policy, new_ticket, update
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.tests.helpers import call

pytestmark = pytest.mark.django_db


def _create(member, name="Urgent mine", filters=None):
    filters = {"priority": ["urgent"], "assignee": "me"} if filters is None else filters
    return call(session_client(member), "post", "/api/v1/saved-views", {"name": name, "filters": filters})


def test_saved_views_belong_to_their_owner(two_tenants):
    a = two_tenants.a
    created = _create(a.agent)
    assert created.status_code == 201, created.content
    assert created.json()["filters"] == {"priority": ["urgent"], "assignee": "me"}
    view_id = created.json()["id"]
    assert [v["name"] for v in call(session_client(a.agent), "get", "/api/v1/saved-views").json()] == [
        "Urgent mine"
    ]
    # another agent of the same tenant neither lists nor reaches it
    assert call(session_client(a.admin), "get", "/api/v1/saved-views").json() == []
    assert call(session_client(a.admin), "get", f"/api/v1/saved-views/{view_id}").status_code == 404
    assert call(session_client(a.admin), "delete", f"/api/v1/saved-views/{view_id}").status_code == 404


def test_saved_view_update_and_delete(two_tenants):
    agent = two_tenants.a.agent
    view_id = _create(agent).json()["id"]
    client = session_client(agent)
    changed = call(
        client, "patch", f"/api/v1/saved-views/{view_id}", {"name": "Renamed", "filters": {"tag": ["vip"]}}
    )
    assert changed.status_code == 200 and changed.json()["filters"] == {"tag": ["vip"]}
    assert call(client, "delete", f"/api/v1/saved-views/{view_id}").status_code == 204
    assert call(client, "get", f"/api/v1/saved-views/{view_id}").status_code == 404


def test_renaming_or_refiltering_is_the_owners_alone_and_validated(two_tenants):
    # Given an agent with two views
    a = two_tenants.a
    view_id = _create(a.agent).json()["id"]
    assert _create(a.agent, name="Billing", filters={"tag": ["billing"]}).status_code == 201
    # When another agent of the tenant tries to rename it: 404, and nothing changes
    other = call(session_client(a.admin), "patch", f"/api/v1/saved-views/{view_id}", {"name": "Mine now"})
    assert other.status_code == 404
    client = session_client(a.agent)
    assert call(client, "get", f"/api/v1/saved-views/{view_id}").json()["name"] == "Urgent mine"
    # A customer of the tenant is refused outright
    customer = call(session_client(a.customer), "patch", f"/api/v1/saved-views/{view_id}", {"name": "x"})
    assert customer.status_code == 403
    # The owner's rename onto another view's name, or unknown filters, are 422 and change nothing
    clash = call(client, "patch", f"/api/v1/saved-views/{view_id}", {"name": "Billing"})
    assert clash.status_code == 422 and "name" in clash.json()["errors"]
    bad = call(client, "patch", f"/api/v1/saved-views/{view_id}", {"filters": {"number": ["1"]}})
    assert bad.status_code == 422
    kept = call(client, "get", f"/api/v1/saved-views/{view_id}").json()
    assert kept["name"] == "Urgent mine" and kept["filters"] == {"priority": ["urgent"], "assignee": "me"}


@pytest.mark.parametrize(
    ("filters", "name"),
    [({"drop_table": "x"}, "Bad key"), ({"priority": [{"a": 1}]}, "Bad value"), ({"tag": True}, "Bool")],
)
def test_bad_filters_are_422(two_tenants, filters, name):
    response = _create(two_tenants.a.agent, name=name, filters=filters)
    assert response.status_code == 422, response.content
    assert "filters" in response.json()["errors"]


def test_duplicate_names_are_422(two_tenants):
    assert _create(two_tenants.a.agent).status_code == 201
    again = _create(two_tenants.a.agent)
    assert again.status_code == 422 and "name" in again.json()["errors"]


def test_customers_have_no_saved_views(two_tenants):
    assert _create(two_tenants.a.customer).status_code == 403
    assert call(session_client(two_tenants.a.customer), "get", "/api/v1/sla/at-risk").status_code == 403


def test_other_tenant_saved_view_is_404(two_tenants):
    view_id = _create(two_tenants.a.owner).json()["id"]
    for method, data in (("get", None), ("patch", {"name": "x"}), ("delete", None)):
        assert_other_tenant_gets_404(
            two_tenants, method, f"/api/v1/saved-views/{view_id}", data, expect_ok=method != "delete"
        )


def test_at_risk_lists_running_clocks_due_soon_and_not_others(two_tenants):
    a, b = two_tenants.a, two_tenants.b
    make_policy(a.tenant)  # urgent: first response in 60 minutes, around the clock
    make_policy(b.tenant)
    urgent = new_ticket(a)
    new_ticket(a, priority="low", subject="No target for low")
    solved = new_ticket(a, subject="Done already")
    update(a, solved, status="solved")
    other_tenant = new_ticket(b)

    client = session_client(a.agent)
    soon = call(client, "get", "/api/v1/sla/at-risk?within_minutes=90").json()["items"]
    assert [t["id"] for t in soon] == [urgent.id]
    assert soon[0]["sla_due_at"] and soon[0]["subject"] == "Printer on fire"
    assert other_tenant.id not in {t["id"] for t in soon}
    assert call(client, "get", "/api/v1/sla/at-risk?within_minutes=30").json()["items"] == []
    assert call(client, "get", "/api/v1/sla/at-risk?within_minutes=-1").status_code == 422
