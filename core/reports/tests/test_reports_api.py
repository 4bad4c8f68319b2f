"""Reports API: who may read, tenant isolation, filters validated, CSV streamed."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from events.relay import relay_all
from tenancy.context import tenant_context
from tenancy.models import Role
from tenancy.services import team_create
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from tickets.services.tickets import ticket_create
from tickets.tests.helpers import make_ticket

pytestmark = pytest.mark.django_db


def _seed(world: Any, n: int, **kw: Any) -> None:
    for i in range(n):
        if kw:  # staff-only fields: filed by the agent for the customer
            with tenant_context(world.tenant.id):
                ticket_create(
                    tenant=world.tenant, actor=world.members[Role.AGENT], subject=f"=cmd|{i}", body_text="x",
                    requester_id=world.members[Role.CUSTOMER].id, **kw,
                )  # fmt: skip
        else:
            make_ticket(world.members[Role.CUSTOMER], subject=f"=cmd|{i}")
    relay_all()


def test_series_counts_only_own_tenant(two_tenants: Any) -> None:
    _seed(two_tenants.a, 3)
    _seed(two_tenants.b, 5)
    for world, expected in ((two_tenants.a, 3), (two_tenants.b, 5)):
        res = session_client(world.admin).get("/api/v1/reports/tickets?group=month")
        assert res.status_code == 200, res.content
        body = res.json()
        assert body["totals"]["created"] == expected
        assert body["totals"]["backlog"] == expected


def test_team_filter_of_other_tenant_is_404(two_tenants: Any) -> None:
    with tenant_context(two_tenants.a.tenant.id):
        team = team_create(tenant=two_tenants.a.tenant, name="Ops")
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/reports/tickets?team={team.id}")
    agent = two_tenants.a.members[Role.AGENT]
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/reports/tickets?assignee={agent.id}")


def test_breakdown_by_priority(two_tenants: Any) -> None:
    _seed(two_tenants.a, 2)
    _seed(two_tenants.b, 4)
    res = session_client(two_tenants.a.admin).get("/api/v1/reports/breakdown?by=priority")
    assert res.status_code == 200
    assert [(r["value"], r["created"]) for r in res.json()] == [("normal", 2)]


def test_agents_need_the_tenant_setting_customers_never(two_tenants: Any) -> None:
    world = two_tenants.a
    assert session_client(world.members[Role.AGENT]).get("/api/v1/reports/tickets").status_code == 403
    world.tenant.settings = {"reports_agents": True}
    world.tenant.save()
    assert session_client(world.members[Role.AGENT]).get("/api/v1/reports/tickets").status_code == 200
    assert session_client(world.members[Role.CUSTOMER]).get("/api/v1/reports/tickets").status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "group=year",
        "start=2026-02-01&end=2026-01-01",
        "start=2020-01-01&end=2026-01-01",
        "priority=high&channel=email&tag=vip",
        "start=notadate",
        "team=abc",
    ],
)
def test_bad_input_is_4xx(two_tenants: Any, query: str) -> None:
    res = session_client(two_tenants.a.admin).get(f"/api/v1/reports/tickets?{query}")
    assert 400 <= res.status_code < 500, (query, res.status_code)
    res = session_client(two_tenants.a.admin).get("/api/v1/reports/breakdown?by=status")
    assert res.status_code == 422
    # a breakdown plus two filters would need a triple slice
    res = session_client(two_tenants.a.admin).get(
        "/api/v1/reports/breakdown?by=tag&priority=high&channel=email"
    )
    assert res.status_code == 422


def _csv(res: Any) -> list[list[str]]:
    assert res.status_code == 200
    assert res["Content-Type"].startswith("text/csv")
    assert res.streaming
    return list(csv.reader(io.StringIO(b"".join(res.streaming_content).decode())))


def test_report_csv(two_tenants: Any) -> None:
    _seed(two_tenants.a, 3)
    rows = _csv(session_client(two_tenants.a.admin).get("/api/v1/reports/tickets.csv?group=month"))
    assert rows[0][:5] == ["period", "created", "solved", "reopened", "backlog"]
    assert sum(int(r[1]) for r in rows[1:]) == 3


def test_ticket_list_csv_streams_filtered_own_tickets_and_defuses_formulas(two_tenants: Any) -> None:
    _seed(two_tenants.a, 3)
    _seed(two_tenants.b, 4)
    rows = _csv(session_client(two_tenants.a.admin).get("/api/v1/reports/ticket-list.csv"))
    assert len(rows) == 1 + 3
    assert all(r[1].startswith("'=cmd|") for r in rows[1:])  # a spreadsheet will not run it
    rows = _csv(session_client(two_tenants.a.admin).get("/api/v1/reports/ticket-list.csv?priority=high"))
    assert len(rows) == 1
    res = session_client(two_tenants.a.admin).get("/api/v1/reports/ticket-list.csv?assignee=xyz")
    assert res.status_code == 422


def test_drilldown_lists_own_tickets_in_the_slice(two_tenants: Any) -> None:
    _seed(two_tenants.a, 2, tags=["vip"])
    _seed(two_tenants.a, 1)
    _seed(two_tenants.b, 3, tags=["vip"])
    admin = session_client(two_tenants.a.admin)
    res = admin.get("/api/v1/reports/drilldown?metric=created&tag=vip")
    assert res.status_code == 200, res.content
    assert len(res.json()["tickets"]) == 2
    assert admin.get("/api/v1/reports/tickets?tag=VIP").json()["totals"]["created"] == 2
    assert len(admin.get("/api/v1/reports/drilldown?metric=backlog").json()["tickets"]) == 3
    assert admin.get("/api/v1/reports/drilldown?metric=nope").status_code == 422
    with tenant_context(two_tenants.a.tenant.id):
        team = team_create(tenant=two_tenants.a.tenant, name="Ops")
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/reports/drilldown?team={team.id}")
