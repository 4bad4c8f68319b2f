"""Ticket search: full text (ranked, highlighted) with a trigram fallback for typos and fragments.

The candidates come from `tickets_search()`, a SECURITY DEFINER function (migration
0002) that reads the tenant from `app.tenant_id` itself, so it can use the
(tenant_id, search_vector) GIN index that row-level security would otherwise rule
out, and still cannot return another tenant's rows.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from db.rows import fetch_pipelined, hot_cursor
from tenancy.models import Membership, Tenant
from tickets.models import Ticket
from tickets.search_config import search_config
from tickets.selectors.ticket_rows import TicketRow, ticket_row, ticket_rows_by_ids_query
from tickets.selectors.tickets import TicketFilters, apply_filters

CANDIDATES = 500  # ranked ids fetched before the list filters apply
_START, _STOP = "\x02", "\x03"  # markers no text contains; escaped text gets <mark> around them
HEADLINE_OPTIONS = f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, MaxFragments=2"


@dataclass
class SearchHit:
    ticket: TicketRow
    rank: float
    snippet: str
    subject_html: str


def _highlight(marked: str) -> str:
    return html.escape(marked).replace(_START, "<mark>").replace(_STOP, "</mark>")


def _candidates(*, q: str, cfg: str, viewer: Membership, fuzzy: bool, wanted: int) -> list[tuple[int, float]]:
    customer = None if viewer.is_staff_role else viewer.id
    with hot_cursor() as cursor:
        cursor.execute(
            "SELECT ticket_id, rank FROM tickets_search(%s, %s::regconfig, %s, %s, %s, %s)",
            [q, cfg, customer, viewer.is_staff_role, fuzzy, wanted],
        )
        return [(int(i), float(r)) for i, r in cursor.fetchall()]


def _snippets_query(
    *, tenant: Tenant, q: str, cfg: str, ids: list[int], staff: bool
) -> tuple[str, dict[str, Any]]:
    """The best fragment of the first visible message of each ticket that mentions the query.

    Per ticket whose messages can match, its messages in order (the (tenant, ticket, id)
    index) are highlighted one by one until a highlight has a match: usually the first.
    Parsing the text is the whole cost, so each message is parsed once, and only until a
    match (testing every message with `to_tsvector(...) @@ query` and then highlighting the
    first cost three times as much).
    `OFFSET 0` keeps the highlight in its own step, so the filter reuses it.
    """
    public_only = "" if staff else "AND NOT m.is_internal"
    # Which tickets have a message that can match, from the vectors the search already
    # matched (public messages are weight B of `search_vector`; internal notes have their own
    # vector): a ticket that matched on its subject alone has no message to parse.
    in_messages = "ts_filter(coalesce(k.search_vector, ''), '{b}') @@ query" + (
        " OR coalesce(k.internal_search_vector, '') @@ query" if staff else ""
    )
    return (
        f"""
        SELECT k.id, s.snippet
        FROM tickets_ticket k, websearch_to_tsquery(%(cfg)s::regconfig, %(q)s) AS query,
        LATERAL (
            SELECT h.snippet FROM (
                SELECT ts_headline(%(cfg)s::regconfig, left(m.body_text, 20000), query, %(opts)s) AS snippet
                FROM tickets_message m
                WHERE m.tenant_id = %(tenant)s AND m.ticket_id = k.id {public_only}
                ORDER BY m.id
                OFFSET 0
            ) h
            WHERE strpos(h.snippet, %(start)s) > 0
            LIMIT 1
        ) s
        WHERE k.tenant_id = %(tenant)s AND k.id = ANY(%(ids)s) AND ({in_messages})
        """,  # noqa: S608 - the only interpolations are fixed clauses  # nosec B608
        {"cfg": cfg, "q": q, "opts": HEADLINE_OPTIONS, "tenant": tenant.id, "ids": ids, "start": _START},
    )


def _subjects_query(*, tenant: Tenant, q: str, cfg: str, ids: list[int]) -> tuple[str, list[Any]]:
    """Each ticket's subject with the matches marked."""
    return (
        "SELECT t.id, ts_headline(%s::regconfig, t.subject, websearch_to_tsquery(%s::regconfig, %s), %s) "
        "FROM tickets_ticket t WHERE t.tenant_id = %s AND t.id = ANY(%s)",
        [cfg, cfg, q, HEADLINE_OPTIONS + ", HighlightAll=true", tenant.id, ids],
    )


def ticket_search(
    *, tenant: Tenant, viewer: Membership, q: str, filters: TicketFilters, limit: int = 25
) -> tuple[list[SearchHit], bool]:
    """Ranked hits and whether they came from the fuzzy (trigram) fallback."""
    q = q.strip()
    if not q or len(q) > 200:
        raise ValidationError({"q": "Search for 1 to 200 characters."})
    cfg = search_config(tenant)
    fuzzy = False
    # The list filters apply to the ranked ids afterwards: with filters, fetch enough to fill
    # a page after them; without, the page is all there is to fetch.
    filtered = filters != TicketFilters()
    wanted = CANDIDATES if filtered else max(1, min(limit, 100))
    ranked = _candidates(q=q, cfg=cfg, viewer=viewer, fuzzy=False, wanted=wanted)
    if not ranked:
        fuzzy = True
        ranked = _candidates(q=q, cfg=cfg, viewer=viewer, fuzzy=True, wanted=wanted)
    if not ranked:
        return [], fuzzy
    rank_of = dict(ranked)
    ordered = [ticket_id for ticket_id, _ in ranked]  # already best first
    if filtered:
        qs = apply_filters(Ticket.objects.filter(tenant=tenant, id__in=ordered), filters, viewer)
        kept = set(qs.values_list("id", flat=True))
        ordered = [ticket_id for ticket_id in ordered if ticket_id in kept]
    ids = ordered[: max(1, min(limit, 100))]
    # The page's rows, snippets and highlighted subjects in one round trip.
    queries: list[tuple[str, Any]] = [ticket_rows_by_ids_query(tenant=tenant, ids=ids)]
    if not fuzzy:
        queries += [
            _snippets_query(tenant=tenant, q=q, cfg=cfg, ids=ids, staff=viewer.is_staff_role),
            _subjects_query(tenant=tenant, q=q, cfg=cfg, ids=ids),
        ]
    results = fetch_pipelined(queries)
    tickets = sorted(map(ticket_row, results[0]), key=lambda t: (-rank_of[t.id], -t.id))
    snippets = {int(i): _highlight(text) for i, text in results[1]} if not fuzzy else {}
    subjects = {int(i): _highlight(text) for i, text in results[2]} if not fuzzy else {}
    return [
        SearchHit(
            ticket=t,
            rank=rank_of[t.id],
            snippet=snippets.get(t.id, ""),
            subject_html=subjects.get(t.id) or html.escape(t.subject),
        )
        for t in tickets
    ], fuzzy
