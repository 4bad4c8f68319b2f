"""Every list endpoint refuses a value outside an enum filter's choices with a 422 naming the
field, instead of a filter that matches nothing (200 and [])."""

import typing

import pytest

from tenancy.context import tenant_context
from tenancy.models import Role
from testing.factories import session_client
from tickets.filters import ChannelName, PriorityName, SortName, StatusCategoryName, TypeName
from tickets.models import Channel, Priority, StatusCategory, TicketType
from tickets.selectors.tickets import SORTS
from tickets.services.fields import custom_status_create
from tickets.tests.helpers import make_ticket

pytestmark = pytest.mark.django_db

# (path with a bad value, the field the problem names)
BOGUS = [
    ("/api/v1/tickets?status=bogus", "status"),
    ("/api/v1/tickets?status_category=bogus", "status_category.0"),
    ("/api/v1/tickets?priority=urgent&priority=bogus", "priority.1"),
    ("/api/v1/tickets?type=bogus", "type.0"),
    ("/api/v1/tickets?channel=bogus", "channel.0"),
    ("/api/v1/tickets?sort=bogus", "sort"),
    ("/api/v1/search?q=printer&priority=bogus", "priority.0"),
    ("/api/v1/search?q=printer&status=bogus", "status"),
    ("/api/v1/reports/ticket-list.csv?channel=bogus", "channel.0"),
    ("/api/v1/reports/tickets?priority=bogus", "priority"),
    ("/api/v1/reports/tickets?channel=bogus", "channel"),
    ("/api/v1/reports/tickets?group=bogus", "group"),
    ("/api/v1/members?role=bogus", "role"),
    ("/api/v1/kb/manage/articles?status=bogus", "status"),
    ("/api/v1/csat/report?group_by=bogus", "group_by"),
    ("/api/v1/ai/accuracy?period=bogus", "period"),
]


@pytest.mark.parametrize(("path", "field"), BOGUS)
def test_an_unknown_choice_is_a_422_problem_naming_the_field(two_tenants, path, field):
    response = session_client(two_tenants.a.owner).get(path)
    assert response.status_code == 422, (path, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert field in errors, errors
    assert "bogus" in " ".join(errors[field]) or "Input should be" in " ".join(errors[field])


def test_known_choices_and_custom_statuses_still_filter(two_tenants):
    a = two_tenants.a
    with tenant_context(a.tenant.id):
        custom_status_create(
            tenant=a.tenant, key="waiting_on_vendor", name="Waiting on vendor", category="pending"
        )
    ticket = make_ticket(a.customer, priority="urgent")
    client = session_client(a.agent)
    found = client.get("/api/v1/tickets?status=new&priority=urgent&sort=created_at").json()["items"]
    assert [t["id"] for t in found] == [ticket.id]
    assert client.get("/api/v1/tickets?status=waiting_on_vendor").status_code == 200
    # the other tenant's custom status is unknown here
    other = session_client(two_tenants.b.agent).get("/api/v1/tickets?status=waiting_on_vendor")
    assert other.status_code == 422
    assert "waiting_on_vendor" in other.json()["errors"]["status"][0]
    assert session_client(a.agent).get(f"/api/v1/members?role={Role.CUSTOMER}").status_code == 200


def test_the_declared_choices_are_the_models_choices():
    # The edge spells the choices out for the OpenAPI schema; they must not drift from the models.
    assert set(typing.get_args(StatusCategoryName)) == set(StatusCategory.values)
    assert set(typing.get_args(PriorityName)) == set(Priority.values)
    assert set(typing.get_args(TypeName)) == set(TicketType.values)
    assert set(typing.get_args(ChannelName)) == set(Channel.values)
    assert set(typing.get_args(SortName)) == set(SORTS)
