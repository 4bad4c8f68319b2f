"""Interleaved requests for two tenants on pooled connections never see each other's data."""

import pytest
from django.db import connection

from testing.isolation import assert_interleaved_requests_stay_apart

pytestmark = pytest.mark.tenant_isolation


@pytest.mark.usefixtures("committed")
def test_interleaved_requests_for_two_tenants_on_pooled_connections():
    assert connection.settings_dict["OPTIONS"].get("pool"), "the app connection should be pooled"
    assert_interleaved_requests_stay_apart(slugs=("pool-a", "pool-b"))
