"""Several sweeps at once (separate connections, real commits) still fire each event once."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from sla.selectors import due_tenant_ids
from sla.services.sweep import sla_fire_due
from sla.tests.helpers import clocks, events_of, make_calendar, make_policy, new_ticket
from testing.factories import make_world

NY = ZoneInfo("America/New_York")


@pytest.mark.usefixtures("committed")
def test_concurrent_sweeps_fire_each_event_once():
    world = make_world("sweepco")
    make_calendar(world.tenant, is_default=True)
    make_policy(world.tenant)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=NY), tick=False):
        tickets = [new_ticket(world, subject=f"ticket {n}") for n in range(20)]
    assert len(clocks(world.tenant, tickets[0])) == 2
    # at 12:30 first response (60 min) is breached, resolution (240, due 13:00) past its 75 % warning
    now = dt.datetime(2026, 6, 1, 12, 30, tzinfo=NY)
    assert due_tenant_ids(now=now) == [world.tenant.id]
    results: list[tuple[int, int]] = []
    barrier = threading.Barrier(4)

    def sweeper() -> None:
        try:
            barrier.wait()
            results.append(sla_fire_due(now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert sum(b for _, b in results) == 20
    assert sum(w for w, _ in results) == 20
    assert len(events_of(world.tenant, "sla.breached")) == 20
    assert len(events_of(world.tenant, "sla.warning")) == 20
    assert sla_fire_due(now=now) == (0, 0)
