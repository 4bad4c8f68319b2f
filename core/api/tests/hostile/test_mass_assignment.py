"""Mass assignment: fields a caller may not set, sent anyway on create and update endpoints.

Advisory: Chatwoot CVE-2026-72719 (mass assignment of account and role attributes). No
write schema accepts `tenant_id` (or staff flags); sent anyway they are dropped, and
`role`, `requester_id` and `organization_id` are honoured only for those allowed to set
them, and only with ids of the caller's own tenant.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from api.main import api
from tenancy.context import tenant_context
from tenancy.models import Membership
from testing.factories import host_for, session_client
from testing.outbound_mail import deliver_mail
from tickets.models import Ticket
from tickets.tests.helpers import call

ADVISORY_CLASS = "mass assignment"
pytestmark = pytest.mark.django_db
NEVER_INPUT = (
    "tenant_id",
    "tenant",
    "is_staff",
    "is_superuser",
    "uploaded_by_id",
    "author_id",
    "created_by_id",
)


def _write_schemas() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if method in {"post", "put", "patch"} and body and "$ref" in body["schema"]:
                found.append(
                    (
                        f"{method.upper()} {path}",
                        body["schema"]["$ref"],
                        components[body["schema"]["$ref"].rsplit("/", 1)[-1]],
                    )
                )
    return found


def test_no_write_schema_takes_tenant_or_staff_fields(tally):
    operations = _write_schemas()
    assert len(operations) >= 55  # every JSON create/update endpoint of the API
    for where, _, component in operations:
        for name in NEVER_INPUT:
            if name in component.get("properties", {}):
                tally.failed(name, where, "is an input field")
            else:
                tally.neutralised(name, where)
    tally.assert_held()


@pytest.fixture
def extras(two_tenants):
    b_admin = session_client(two_tenants.b.admin)
    b_org = call(b_admin, "post", "/api/v1/organizations", {"name": "Globex Org"}).json()
    return {
        "tenant_id": two_tenants.b.tenant.id, "tenant": two_tenants.b.tenant.slug, "is_staff": True,
        "is_superuser": True, "organization_id": b_org["id"],
    }  # fmt: skip


CREATES = [
    ("/api/v1/teams", {"name": "Team X"}, "/api/v1/teams/{id}"),
    ("/api/v1/organizations", {"name": "Org X"}, "/api/v1/organizations/{id}"),
    ("/api/v1/macros", {"name": "Macro X", "reply_text": "hi"}, "/api/v1/macros/{id}"),
    ("/api/v1/saved-views", {"name": "View X", "filters": {}}, "/api/v1/saved-views/{id}"),
    ("/api/v1/kb/manage/articles", {"title": "Article X", "body": "b"}, "/api/v1/kb/manage/articles/{id}"),
    ("/api/v1/sla-policies", {"name": "SLA X", "targets": []}, "/api/v1/sla-policies/{id}"),
    (
        "/api/v1/business-calendars",
        {"name": "Cal X", "timezone": "UTC", "hours": []},
        "/api/v1/business-calendars/{id}",
    ),
    ("/api/v1/tokens", {"name": "Token X"}, None),
    ("/api/v1/custom-fields", {"key": "x_field", "label": "X", "field_type": "text"}, None),
]


def test_creates_land_in_the_callers_tenant(two_tenants, extras, tally):
    a_owner, b_owner = session_client(two_tenants.a.owner), session_client(two_tenants.b.owner)
    for path, body, detail in CREATES:
        response = call(a_owner, "post", path, {**body, **extras, "role": "owner"})
        if response.status_code >= 400:
            tally.judge(f"{path} + tenant_id", path, status=response.status_code, harmless=False)
            continue
        object_id = response.json().get("id")
        if detail:
            mine = call(a_owner, "get", detail.format(id=object_id)).status_code
            theirs = call(b_owner, "get", detail.format(id=object_id)).status_code
            harmless = mine == 200 and theirs == 404
        else:
            listed = call(b_owner, "get", path).json()
            harmless = all(item.get("id") != object_id for item in listed)
        tally.judge(f"{path} + tenant_id", path, status=response.status_code, harmless=harmless,
                    detail="(created in the other tenant)")  # fmt: skip
    tally.assert_held()


def test_ticket_requester_and_organization_stay_the_callers(two_tenants, extras, tally):
    a, b = two_tenants.a, two_tenants.b
    customer, agent = session_client(a.customer), session_client(a.agent)
    other_customer = a.members["customer"]
    cases = [
        (customer, {"requester_id": a.agent.id}, "customer files for an agent"),
        (customer, {"requester_id": b.customer.id}, "customer files for another tenant's customer"),
        (agent, {"requester_id": b.customer.id}, "agent files for another tenant's customer"),
        (customer, extras, "customer sends tenant and organization"),
        (agent, extras, "agent sends tenant and organization"),
    ]
    for client, extra, label in cases:
        response = call(client, "post", "/api/v1/tickets", {"subject": "mass", "body_text": "x", **extra})
        if response.status_code >= 400:
            tally.judge(extra, label, status=response.status_code, harmless=False)
            continue
        with tenant_context(a.tenant.id):
            ticket = Ticket.objects.select_related("requester").get(id=response.json()["id"])
        expected_requester = other_customer.id if client is customer else ticket.requester_id
        harmless = (
            ticket.tenant_id == a.tenant.id
            and ticket.requester_id in {expected_requester, a.customer.id}
            and ticket.requester_id != b.customer.id
            and ticket.requester.organization_id != extras["organization_id"]
        )
        tally.judge(extra, label, status=response.status_code, harmless=harmless,
                    detail=f"tenant {ticket.tenant_id}, requester {ticket.requester_id}, org {ticket.requester.organization_id}")  # fmt: skip
    mine = call(
        agent, "post", "/api/v1/tickets", {"subject": "mine", "body_text": "x", "requester_id": a.customer.id}
    )
    assert mine.status_code == 201, mine.content
    ticket_id = mine.json()["id"]
    for extra in ({"requester_id": a.agent.id}, extras, {"requester_id": b.customer.id}):
        response = call(agent, "patch", f"/api/v1/tickets/{ticket_id}", {"priority": "high", **extra})
        with tenant_context(a.tenant.id):
            ticket = Ticket.objects.select_related("requester").get(id=ticket_id)
        harmless = ticket.tenant_id == a.tenant.id and ticket.requester_id == a.customer.id and (
            ticket.requester.organization_id != extras["organization_id"])  # fmt: skip
        tally.judge(extra, "PATCH /tickets/{id}", status=response.status_code, harmless=harmless)
    note = call(
        customer, "post", f"/api/v1/tickets/{ticket_id}/messages", {"body_text": "x", "internal": True}
    )
    tally.judge({"internal": True}, "customer reply marked internal", status=note.status_code,
                harmless=note.status_code < 400 and note.json()["internal"] is False)  # fmt: skip
    tally.assert_held()


def test_roles_only_from_those_who_may_grant_them(two_tenants, extras, tally):
    a, b = two_tenants.a, two_tenants.b
    admin, agent = session_client(a.admin), session_client(a.agent)
    invited = call(admin, "post", "/api/v1/members", {"email": "new-owner@acme.test", "role": "owner"})
    tally.judge("role=owner", "admin invites an owner", status=invited.status_code, harmless=False)
    invited = call(
        admin, "post", "/api/v1/members", {"email": "new-agent@acme.test", "role": "agent", **extras}
    )
    with tenant_context(a.tenant.id):
        new = list(Membership.objects.filter(user__email="new-agent@acme.test").select_related("user"))
    with tenant_context(b.tenant.id):
        new += list(Membership.objects.filter(user__email="new-agent@acme.test").select_related("user"))
    tally.judge(extras, "invite with tenant_id", status=invited.status_code,
                harmless=[m.tenant_id for m in new] == [a.tenant.id] and not new[0].user.is_staff)  # fmt: skip
    for client, target, label in (
        (admin, a.admin.id, "admin promotes themselves"),
        (agent, a.agent.id, "agent promotes themselves"),
        (agent, a.customer.id, "agent promotes a customer"),
        (admin, a.owner.id, "admin demotes the owner"),
        (admin, b.agent.id, "admin changes another tenant's member"),
    ):
        response = call(
            client,
            "patch",
            f"/api/v1/members/{target}",
            {"role": "owner" if "demotes" not in label else "customer"},
        )
        tally.judge("role", label, status=response.status_code, harmless=False)
    moved = call(
        admin,
        "put",
        f"/api/v1/members/{a.customer.id}/organization",
        {"organization_id": extras["organization_id"]},
    )
    tally.judge(
        "organization_id of another tenant",
        "PUT /members/{id}/organization",
        status=moved.status_code,
        harmless=False,
    )
    tally.assert_held()


def test_signup_takes_no_role_or_staff_flags(two_tenants, extras, tally):
    tenant = two_tenants.a.tenant
    tenant.settings = {**tenant.settings, "portal": {"allow_signup": True}}
    tenant.save(update_fields=["settings"])
    client = Client(HTTP_HOST=host_for(tenant))
    body = {"email": "signup@outside.test", "password": "correct horse battery", "role": "owner", **extras}
    asked = client.post("/api/v1/auth/signup", json.dumps(body), content_type="application/json")
    assert asked.status_code == 202, asked.content
    mail.outbox.clear()
    deliver_mail()
    token = re.search(r"/signup/confirm\?token=(\S+)", mail.outbox[-1].body).group(1)
    response = client.post(
        "/api/v1/auth/signup/confirm", json.dumps({**body, "token": token}), content_type="application/json"
    )
    user = User.objects.filter(email="signup@outside.test").first()
    memberships = []
    for tenant_id in (tenant.id, two_tenants.b.tenant.id):
        with tenant_context(tenant_id):
            memberships += list(Membership.objects.filter(user=user).values_list("tenant_id", "role"))
    tally.judge(body, "POST /auth/signup", status=response.status_code,
                harmless=memberships == [(tenant.id, "customer")] and not user.is_staff and not user.is_superuser,
                detail=str(memberships))  # fmt: skip
    tally.assert_held()
