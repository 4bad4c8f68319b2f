"""A tenant's clocks for reports: the zone its days are counted in and its business calendar.

Read by the rollup writes and by the report reads alike, so it sits apart from both.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reports.contributions import Clocks
from sla.selectors import default_calendar
from sla.services.clocks import calendar_spec
from tenancy.models import Tenant


def tenant_clocks(tenant_id: int) -> Clocks:
    """The tenant's zone for days (setting `timezone`, else its default calendar's, else UTC)
    and its default business calendar. Changing either needs `rollups_rebuild`."""
    tenant = Tenant.objects.filter(id=tenant_id).only("settings").first()
    calendar_row = default_calendar(tenant_id=tenant_id)
    zone_name = (tenant.settings.get("timezone") if tenant else None) or (
        calendar_row.timezone if calendar_row else "UTC"
    )
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return Clocks(zone=zone, calendar=calendar_spec(calendar_row))
