"""Fair under concurrency: 100 tickets created in parallel for a 5-agent round-robin team give 20 each."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from assignment.tests.helpers import make_team
from events.relay import relay_all
from tenancy.context import tenant_context
from testing.factories import make_world
from tickets.models import Ticket
from tickets.services.tickets import ticket_create


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


@pytest.mark.usefixtures("committed")
def test_hundred_parallel_creates_split_evenly_over_five_agents():
    world = make_world("rrco")
    team, agents = make_team(world, 5)

    @_in_thread
    def create(n):
        with tenant_context(world.tenant.id):
            return ticket_create(
                tenant=world.tenant, actor=world.agent, subject=f"t{n}", body_text="b", team_id=team.id
            ).ticket.id

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = list(pool.map(create, range(100)))
    assert len(set(ids)) == 100

    # several relays at once, in small batches, so assignments really run in parallel
    stop = threading.Event()

    @_in_thread
    def relay(_):
        while not stop.is_set():
            if relay_all(batch=3) == 0:
                return

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(relay, range(4)))
    relay_all()
    with tenant_context(world.tenant.id):
        counts = Counter(
            Ticket.objects.filter(tenant=world.tenant, id__in=ids).values_list("assignee_id", flat=True)
        )
    assert counts == {agent.id: 20 for agent in agents}
