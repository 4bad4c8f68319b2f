"""Every ticketing endpoint that takes an id answers 404 to another tenant; the role matrix holds."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.services.attachments import attachment_upload
from tickets.services.fields import custom_field_create
from tickets.services.links import ticket_link
from tickets.tests.helpers import call, make_ticket

pytestmark = pytest.mark.django_db


def test_every_ticket_endpoint_is_tenant_isolated(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.owner)
    other = make_ticket(a.owner, subject="other")
    with tenant_context(a.tenant.id):
        link = ticket_link(tenant=a.tenant, source=ticket, target=other, kind="related", actor=a.owner)
        attachment = attachment_upload(
            tenant=a.tenant,
            ticket=ticket,
            uploader=a.owner,
            upload=io.BytesIO(b"hello"),
            filename="a.txt",
            size=5,
        )
        field = custom_field_create(tenant=a.tenant, key="plan", label="Plan", field_type="text")
    base = f"/api/v1/tickets/{ticket.id}"
    assert_other_tenant_gets_404(two_tenants, "get", base)
    assert_other_tenant_gets_404(two_tenants, "patch", base, data={"priority": "high"})
    assert_other_tenant_gets_404(two_tenants, "get", f"{base}/messages")
    assert_other_tenant_gets_404(two_tenants, "post", f"{base}/messages", data={"body_text": "hi"})
    assert_other_tenant_gets_404(two_tenants, "get", f"{base}/history")
    assert_other_tenant_gets_404(
        two_tenants, "post", f"{base}/links", data={"target_id": other.id, "kind": "parent_of"}
    )
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/attachments/{attachment.id}/download")
    assert_other_tenant_gets_404(
        two_tenants, "patch", f"/api/v1/custom-fields/{field.id}", data={"label": "P"}
    )
    assert_other_tenant_gets_404(two_tenants, "delete", f"{base}/links/{link.id}")
    # Bulk update and merge name ids in the body: the other tenant's ids are unknown (422/404, never applied).
    b_client = session_client(two_tenants.b.owner)
    r = call(b_client, "post", "/api/v1/tickets/bulk-update", {"ids": [ticket.id], "priority": "low"})
    assert r.status_code == 422 and "No such ticket" in r.content.decode()
    mine = make_ticket(two_tenants.b.owner)
    assert (
        call(b_client, "post", f"/api/v1/tickets/{mine.id}/merge", {"target_id": ticket.id}).status_code
        == 404
    )
    assert (
        call(
            b_client, "post", f"/api/v1/tickets/{mine.id}/links", {"target_id": ticket.id, "kind": "related"}
        ).status_code
        == 404
    )
    assert_other_tenant_gets_404(two_tenants, "post", f"{base}/merge", data={"target_id": other.id})
    # Lists and search of B show none of A's tickets.
    assert [t["id"] for t in call(b_client, "get", "/api/v1/tickets").json()["items"]] == [mine.id]
    assert all(
        h["ticket"]["id"] != ticket.id
        for h in call(b_client, "get", "/api/v1/search?q=printer").json()["items"]
    )


def test_attachment_upload_is_tenant_isolated(two_tenants):
    ticket = make_ticket(two_tenants.a.owner)
    path = f"/api/v1/tickets/{ticket.id}/attachments"
    assert (
        session_client(two_tenants.a.owner)
        .post(path, {"file": SimpleUploadedFile("x.txt", b"abc")})
        .status_code
        == 201
    )
    for member in (two_tenants.b.owner, two_tenants.b.agent):
        response = session_client(member).post(path, {"file": SimpleUploadedFile("x.txt", b"abc")})
        assert response.status_code == 404


# (method, path template, body, {role: expected status})
MATRIX = [
    ("get", "/api/v1/tickets", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 200}),
    (
        "post",
        "/api/v1/tickets",
        {"subject": "s", "body_text": "b"},
        {"owner": 201, "admin": 201, "agent": 201, "customer": 201},
    ),
    ("get", "/api/v1/tickets/{own}", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 200}),
    ("get", "/api/v1/tickets/{foreign}", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 404}),
    (
        "patch",
        "/api/v1/tickets/{own}",
        {"priority": "high"},
        {"owner": 200, "admin": 200, "agent": 200, "customer": 403},
    ),
    (
        "post",
        "/api/v1/tickets/{own}/messages",
        {"body_text": "x"},
        {"owner": 201, "admin": 201, "agent": 201, "customer": 201},
    ),
    (
        "post",
        "/api/v1/tickets/{own}/messages",
        {"body_text": "x", "internal": True},
        {"owner": 201, "admin": 201, "agent": 201, "customer": 403},
    ),
    (
        "get",
        "/api/v1/tickets/{own}/history",
        None,
        {"owner": 200, "admin": 200, "agent": 200, "customer": 403},
    ),
    (
        "post",
        "/api/v1/tickets/bulk-update",
        {"ids": ["{own}"], "priority": "low"},
        {"owner": 200, "admin": 200, "agent": 200, "customer": 403},
    ),
    (
        "post",
        "/api/v1/tickets/{own}/links",
        {"target_id": "{foreign}", "kind": "related"},
        {"owner": 201, "admin": 201, "agent": 201, "customer": 403},
    ),
    (
        "post",
        "/api/v1/tickets/{foreign}/merge",
        {"target_id": "{own}"},
        {"owner": 200, "admin": 200, "agent": 200, "customer": 403},
    ),
    ("get", "/api/v1/tags", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 403}),
    ("get", "/api/v1/custom-fields", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 200}),
    (
        "post",
        "/api/v1/custom-fields",
        {"key": "k", "label": "K", "field_type": "text"},
        {"owner": 201, "admin": 201, "agent": 403, "customer": 403},
    ),
    ("get", "/api/v1/statuses", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 200}),
    (
        "post",
        "/api/v1/statuses",
        {"key": "k", "name": "K", "category": "open"},
        {"owner": 201, "admin": 201, "agent": 403, "customer": 403},
    ),
    ("get", "/api/v1/search?q=printer", None, {"owner": 200, "admin": 200, "agent": 200, "customer": 200}),
]


def _fill(value, ids):
    if isinstance(value, str):
        return int(ids[value[1:-1]]) if value in ("{own}", "{foreign}") else value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ["owner", "admin", "agent", "customer"])
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), MATRIX, ids=[f"{m} {p} {b}" for m, p, b, _ in MATRIX]
)
def test_permission_matrix(two_tenants, role, method, path, body, expected):
    a = two_tenants.a
    own = make_ticket(a.customer)  # the customer's own ticket
    foreign = make_ticket(a.agent, subject="staff's own")
    ids = {"own": own.id, "foreign": foreign.id}
    response = call(session_client(a.members[role]), method, _fill(path, ids), _fill(body, ids))
    assert response.status_code == expected[role], response.content[:300]
