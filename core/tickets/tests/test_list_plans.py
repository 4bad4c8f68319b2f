"""Which staff lists run as prepared statements, and the fixed-choice filters as literals.

A prepared statement runs on a generic plan after five runs; `filters_preparable` admits only
the shapes whose generic plan was measured to walk the same index as a planned one in every
tenant (see `ticket_sql`). These tests pin the rule and the SQL it relies on.
"""

import pytest

from tickets.selectors.ticket_sql import TicketFilters, filters_preparable, filters_sql

ACTIVE = ["new", "open", "pending", "on_hold"]


@pytest.mark.parametrize(
    ("filters", "sort"),
    [
        (TicketFilters(), "-updated_at"),
        (TicketFilters(status_category=ACTIVE), "-updated_at"),
        (TicketFilters(status_category=ACTIVE, assignee="me"), "-updated_at"),
        (TicketFilters(status_category=ACTIVE, assignee="none"), "-updated_at"),
        (TicketFilters(status_category=["open"], priority=["high"], team="3"), "-updated_at"),
        (TicketFilters(status_category=["solved"], priority=["low"], channel=["email"]), "-updated_at"),
    ],
)
def test_inbox_views_are_prepared(filters, sort):
    assert filters_preparable(filters, sort)


@pytest.mark.parametrize(
    ("filters", "sort"),
    [
        (TicketFilters(assignee="me"), "-updated_at"),  # the agent's closed tickets too: no partial index
        (TicketFilters(status_category=["closed"], assignee="me"), "-updated_at"),
        (TicketFilters(status_category=ACTIVE, team="4"), "created_at"),
        (TicketFilters(status_category=["solved"], priority=["low"]), "created_at"),
        (TicketFilters(tags=["vip"]), "-updated_at"),
        (TicketFilters(requester=7), "-updated_at"),
        (TicketFilters(status=["waiting_on_vendor"]), "-updated_at"),
        (TicketFilters(created_after="2026-01-01T00:00:00Z"), "-updated_at"),
    ],
)
def test_other_lists_are_planned_for_their_values(filters, sort):
    assert not filters_preparable(filters, sort)


def test_fixed_choices_are_literals_and_unknown_values_match_nothing():
    sql, params = filters_sql(
        TicketFilters(status_category=["open", "new", "open"], priority=["urgent"], channel=["fax"]),
        viewer=None,  # type: ignore[arg-type]  # not read for these filters
        alias="t",
    )
    assert sql == "t.status IN ('new', 'open') AND t.priority IN ('urgent') AND FALSE"
    assert params == []
    injected, _ = filters_sql(TicketFilters(type=["question') OR TRUE --"]), viewer=None, alias="t")  # type: ignore[arg-type]
    assert injected == "FALSE"
