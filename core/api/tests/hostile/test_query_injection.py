"""Injection through filters, sort keys and search syntax.

Advisory: Chatwoot CVE-2025-21628 (SQL injection through a conversation filter's sort and
query parameters). Every list, search, report and export parameter gets SQL, ORM lookup,
tsquery and oversized payloads: the answer is 4xx (refused) or a normal answer holding only
what the caller may see anyway, never a 500 and never another tenant's or customer's row.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from testing.factories import session_client
from tickets.tests.helpers import call, make_ticket

from .payloads import QUERY_INJECTION

ADVISORY_CLASS = "injection (filters, sort, search)"
pytestmark = pytest.mark.django_db

# (role, path): the customer's views and the staff's, the CSV export included.
TICKET_LISTS = [("customer", "/api/v1/tickets"), ("customer", "/api/v1/search"),
                ("admin", "/api/v1/tickets"), ("admin", "/api/v1/reports/ticket-list.csv")]  # fmt: skip
# Text the server parses (sort keys, search syntax, names, key:value filters) gets every payload;
# numbers, dates and choices a handful (they are refused by type before any query).
TEXT_PARAMS = ["sort", "q", "tag", "cf", "status", "assignee", "team", "cursor"]
TYPED_PARAMS = [
    "status_category",
    "priority",
    "type",
    "channel",
    "requester",
    "number",
    "created_after",
    "limit",
]
FEW = [QUERY_INJECTION[i] for i in (0, 3, 6, 13)]
# The other views share the customer list's parser: the payloads that differ most.
SHARP = [QUERY_INJECTION[i] for i in (0, 1, 6, 7, 11, 13, 16, 20)]
OTHER_ENDPOINTS = {
    "/api/v1/kb/search": ["q", "locale", "limit"],
    "/api/v1/kb/suggest": ["q", "locale"],
    "/api/v1/kb/articles": ["locale", "tag", "section_id", "limit", "offset"],
    "/api/v1/tags": ["prefix", "limit"],
    "/api/v1/reports/tickets": ["start", "group", "team", "assignee", "channel", "tag", "field"],
    "/api/v1/reports/breakdown": ["by", "group", "field", "priority"],
    "/api/v1/reports/tickets.csv": ["group", "field", "category"],
    "/api/v1/members": ["role"],
    "/api/v1/notifications": ["unread", "limit"],
    "/api/v1/audit-events": ["limit"],
    "/api/v1/csat/report": ["group_by", "period", "since"],
    "/api/v1/ai/accuracy": ["period", "since"],
    "/api/v1/sla/at-risk": ["within_minutes", "limit"],
}
SECRET = "globexsecret"


def _ids(response) -> set[int] | None:
    if response["Content-Type"].startswith("text/csv"):
        return None
    body = response.json()
    items = body.get("items", body) if isinstance(body, dict) else body
    return {
        (item.get("ticket") or item)["id"]
        for item in items
        if isinstance(item, dict) and "id" in (item.get("ticket") or item)
    }


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_ticket_filters_sort_and_search(two_tenants, tally):
    a, b = two_tenants.a, two_tenants.b
    own = make_ticket(a.customer, subject="my printer", body="my printer")
    make_ticket(a.agent, subject=f"{SECRET} internal", requester_id=a.agent.id)
    make_ticket(b.customer, subject=SECRET, body=SECRET)
    visible = {"customer": {own.id}, "admin": None}  # the admin may see every Acme ticket
    for role, path in TICKET_LISTS:
        client = session_client(a.members[role])
        for param in TEXT_PARAMS + TYPED_PARAMS:
            full = QUERY_INJECTION if (role, path) == TICKET_LISTS[0] else SHARP
            for payload in full if param in TEXT_PARAMS else FEW:
                response = client.get(f"{path}?{urlencode({param: payload})}")
                where = f"{role} {path}?{param}="
                if response.status_code >= 400:
                    tally.judge(payload, where, status=response.status_code, harmless=False)
                    continue
                body = _body(response)
                ids = _ids(response) if not response.streaming else None
                leaked = (
                    SECRET.encode() in body
                    if role == "customer"
                    else b"globex" in body.lower() and SECRET.encode() in body and b"internal" not in body
                )
                if visible[role] is not None and ids is not None:
                    leaked = leaked or not ids <= visible[role]
                tally.judge(
                    payload, where, status=response.status_code, harmless=not leaked, detail=f"ids {ids}"
                )
    tally.assert_held()


def test_other_lists_reports_and_searches(two_tenants, tally):
    client = session_client(two_tenants.a.admin)
    make_ticket(two_tenants.b.customer, subject=SECRET, body=SECRET)
    for path, params in OTHER_ENDPOINTS.items():
        for n, param in enumerate(params):
            for payload in QUERY_INJECTION if n == 0 else FEW:
                query = {
                    param: payload,
                    **({"by": "priority"} if path.endswith("breakdown") and param != "by" else {}),
                }
                response = client.get(f"{path}?{urlencode(query)}")
                body = _body(response)
                tally.judge(
                    payload,
                    f"{path}?{param}=",
                    status=response.status_code,
                    harmless=SECRET.encode() not in body,
                )
    tally.assert_held()


def test_saved_view_filters(two_tenants, tally):
    client = session_client(two_tenants.a.agent)
    for payload in QUERY_INJECTION:
        for filters in (
            {"sort": payload},
            {"status": [payload]},
            {payload: "x"},
            {"cf": [f"{payload}={payload}"]},
        ):
            created = call(
                client, "post", "/api/v1/saved-views", {"name": f"v {payload}"[:100], "filters": filters}
            )
            if created.status_code >= 400:
                tally.judge(payload, "saved view filters", status=created.status_code, harmless=False)
                continue
            listed = call(client, "get", "/api/v1/tickets?" + urlencode({"view": created.json()["id"]}))
            tally.judge(payload, "saved view filters", status=listed.status_code, harmless=True)
    tally.assert_held()
