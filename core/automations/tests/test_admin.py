"""Django admin: rules are validated like the API, and scoped to the tenant host."""

import json

import pytest

from automations.tests.helpers import trigger
from sla.tests.helpers import make_calendar, make_policy
from testing.factories import session_client

pytestmark = pytest.mark.django_db


def _form(**fields):
    return {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in fields.items()}


def test_admin_validates_trigger_json_and_saves_in_the_tenant(two_tenants):
    client = session_client(two_tenants.a.admin)
    bad = client.post(
        "/admin/automations/trigger/add/",
        _form(name="bad", position=0, enabled="on", events=["ticket.created"], conditions={},
              actions=[{"type": "exec", "code": "x"}]),
    )  # fmt: skip
    assert bad.status_code == 200 and b"errornote" in bad.content
    good = client.post(
        "/admin/automations/trigger/add/",
        _form(name="good", position=0, enabled="on", events=["ticket.created"], conditions={},
              actions=[{"type": "add_tags", "tags": ["x"]}]),
    )  # fmt: skip
    assert good.status_code == 302, good.content[:500]
    page = client.get("/admin/automations/trigger/")
    assert b"good" in page.content
    assert b"good" not in session_client(two_tenants.b.admin).get("/admin/automations/trigger/").content


def test_admin_lists_only_own_rules_and_policies(two_tenants):
    trigger(two_tenants.b, name="globex rule", actions=[{"type": "add_tags", "tags": ["x"]}])
    make_calendar(two_tenants.b.tenant, name="Globex hours")
    make_policy(two_tenants.b.tenant, name="Globex SLA")
    client = session_client(two_tenants.a.admin)
    for path, needle in [
        ("/admin/automations/trigger/", b"globex rule"),
        ("/admin/sla/businesscalendar/", b"Globex hours"),
        ("/admin/sla/slapolicy/", b"Globex SLA"),
    ]:
        page = client.get(path)
        assert page.status_code == 200
        assert needle not in page.content
    assert session_client(two_tenants.b.admin).get("/admin/sla/slapolicy/").content.count(b"Globex SLA") >= 1
    for path in ["/admin/assignment/assignmentconfig/", "/admin/csat/csatsurvey/", "/admin/sla/slaclock/"]:
        assert client.get(path).status_code == 200
