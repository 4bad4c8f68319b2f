"""Ticket numbers: 50 creates at once in one tenant get 50 distinct, consecutive numbers."""

import threading

import pytest
from django.db import connections

from tenancy.context import tenant_context
from testing.factories import make_member, make_tenant
from tickets.models import Ticket
from tickets.services.tickets import ticket_create


@pytest.mark.committed
def test_fifty_parallel_creates_get_fifty_consecutive_numbers(committed):
    tenant = make_tenant("numbers")
    other = make_tenant("othernumbers")
    member, other_member = make_member(tenant, "customer"), make_member(other, "customer")
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            start.wait()
            target, who = (tenant, member) if i % 5 else (other, other_member)
            with tenant_context(target.id):
                ticket_create(tenant=target, actor=who, subject=f"parallel {i}", body_text="body")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with tenant_context(tenant.id):
        numbers = sorted(Ticket.objects.filter(tenant=tenant).values_list("number", flat=True))
    with tenant_context(other.id):
        other_numbers = sorted(Ticket.objects.filter(tenant=other).values_list("number", flat=True))
    assert numbers == list(range(1, 41))
    assert other_numbers == list(range(1, 11))  # numbering is per tenant
