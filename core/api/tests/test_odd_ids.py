"""Ids inside text (token, survey link, report filter) that only look like numbers: "²" passes
str.isdigit() but int() refuses it. Each is refused like any other unknown id, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from testing.factories import host_for, token_client

pytestmark = pytest.mark.django_db


def test_a_token_whose_tenant_part_is_not_ascii_digits_is_a_401(two_tenants):
    client = Client(HTTP_HOST=host_for(two_tenants.a.tenant), HTTP_AUTHORIZATION="Bearer flt_²_" + "x" * 30)
    assert client.get("/api/v1/tickets").status_code == 401


@pytest.mark.parametrize("token", ["².abcdef", "1.ab²", "9" * 30 + ".abc"])
def test_a_survey_link_with_such_an_id_is_a_404(two_tenants, token):
    client = Client(HTTP_HOST=host_for(two_tenants.a.tenant))
    assert client.get(f"/api/v1/csat/surveys/{token}").status_code == 404


def test_a_report_filter_with_such_an_id_is_a_404(two_tenants):
    client, _ = token_client(two_tenants.a.owner)
    assert client.get("/api/v1/reports/tickets", {"team": "²"}).status_code == 404
