"""Search API: ranked full-text search over the caller's visible tickets, with highlighted snippets."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from api_kit.auth import request_tenant, require_membership
from api_kit.rendering import json_response
from tickets.api.schemas import SearchOut
from tickets.api.shaping import ticket_dict
from tickets.api.tickets import hidden_fields_for
from tickets.filters import ListQuery, filters_from
from tickets.selectors.search import ticket_search

router = Router(tags=["search"])


class SearchQuery(ListQuery):
    q: str = ""


@router.get("/search", response=SearchOut)
def search(request: HttpRequest, query: Query[SearchQuery]) -> HttpResponse:
    """`q` in websearch syntax ("exact phrase", -not, or); falls back to trigram matching of
    subjects for typos. Accepts the list filters. Customers search their own tickets."""
    tenant, viewer = request_tenant(request), require_membership(request)
    hits, fuzzy = ticket_search(
        tenant=tenant, viewer=viewer, q=query.q, filters=filters_from(query, viewer), limit=query.limit
    )
    staff, hidden = viewer.is_staff_role, hidden_fields_for(tenant, viewer)
    return json_response(
        {
            "items": [
                {
                    "ticket": ticket_dict(h.ticket, staff=staff, hidden_fields=hidden),
                    "rank": h.rank,
                    "subject_html": h.subject_html,
                    "snippet_html": h.snippet,
                }
                for h in hits
            ],
            "fuzzy": fuzzy,
        }
    )
