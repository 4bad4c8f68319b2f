"""Rare-value filters (tag, custom field, type, channel) as candidate ids from an index.

Under forced row-level security the app role cannot use an index for `@>` (not leakproof):
a tag that a handful of tickets carry walked the whole tenant. `tickets_attribute_ids()`
(migration 0010, SECURITY DEFINER, the tenant from `app.tenant_id` only) reads the
tenant's entries of `ticket_attributes_idx` instead. When the value is rare its ids
replace the four filters, and the list's query (visibility, the other filters, the order
and the cursor, all under RLS as before) reads only those rows. When it is common (more
than `ATTRIBUTE_CANDIDATES` tickets), walking the sort index with the filter finds a page
sooner than sorting the matches, so the filters stay as they were.
"""

from __future__ import annotations

import dataclasses
import json

from db.rows import hot_cursor
from tickets.selectors.ticket_sql import TicketFilters

# Past this many matches a value is common: a page of 25 is then found within the first
# few thousand rows of the sort index (measured at 1M tickets: docs/benchmarks/tickets-api.md).
ATTRIBUTE_CANDIDATES = 2000


def has_attribute_filters(filters: TicketFilters) -> bool:
    return bool(filters.tags or filters.custom_fields or filters.type or filters.channel)


def narrowed_by_attributes(filters: TicketFilters) -> TicketFilters:
    """`filters` with the attribute filters replaced by their tickets' ids when those are few."""
    if not has_attribute_filters(filters) or filters.candidate_ids is not None:
        return filters
    with hot_cursor() as cursor:
        cursor.execute(
            "SELECT tickets_attribute_ids(%s::varchar[], %s::jsonb, %s::varchar[], %s::varchar[], %s)",
            [
                sorted({t.lower() for t in filters.tags}),
                json.dumps(filters.custom_fields) if filters.custom_fields else None,
                sorted(set(filters.type)),
                sorted(set(filters.channel)),
                ATTRIBUTE_CANDIDATES + 1,
            ],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
    if len(ids) > ATTRIBUTE_CANDIDATES:
        return filters
    return dataclasses.replace(filters, tags=[], custom_fields={}, type=[], channel=[], candidate_ids=ids)
