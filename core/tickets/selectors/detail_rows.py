"""Hand-written SQL for the ticket detail: ticket, messages, attachments, articles and links
in one round trip (five statements in libpq pipeline mode), read into plain rows.

The statements after the first only read the ticket's own children (with the same internal
note rule as the ticket's visibility); when the viewer may not see the ticket, their rows
are thrown away unread and the caller answers 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from db.rows import fetch_pipelined
from tenancy.models import Membership, Tenant
from tickets.selectors.ticket_rows import ROW_JOINS, ROW_SELECT, TicketRow, person_dict, ticket_row
from tickets.selectors.ticket_sql import visibility_sql

MAX_MESSAGES = 200


class MessageRow(NamedTuple):
    id: int
    ticket_id: int
    author_id: int | None
    author_name: str | None
    author_email: str | None
    is_internal: bool
    channel: str
    body_html: str
    body_text: str
    created_at: dt.datetime

    @property
    def author(self) -> dict[str, Any] | None:
        return person_dict(self.author_id, self.author_name, self.author_email)


class AttachmentRow(NamedTuple):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    message_id: int
    created_at: dt.datetime


class ArticleRow(NamedTuple):
    message_id: int
    article_id: int | None
    title: str
    url: str


class LinkRow(NamedTuple):
    id: int
    kind: str
    source_id: int
    source_number: int
    target_id: int
    target_number: int


@dataclass
class TicketDetailRows:
    ticket: TicketRow
    follower_ids: list[int]
    messages: list[MessageRow]
    attachments: dict[int, list[AttachmentRow]]  # by message id
    articles: dict[int, list[ArticleRow]]  # by message id
    links: list[LinkRow]


def _by_message(rows: list[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.message_id, []).append(row)
    return grouped


def ticket_detail_rows(*, tenant: Tenant, viewer: Membership, ticket_id: int) -> TicketDetailRows | None:
    """The ticket if the viewer may see it, with its first 200 visible messages (customers:
    no internal notes), their attachments and linked articles, followers and (staff) links."""
    visible, visible_params = visibility_sql(tenant=tenant, viewer=viewer, alias="p")
    public_only = "" if viewer.is_staff_role else " AND NOT m.is_internal"
    ids = [tenant.id, ticket_id]
    queries: list[tuple[str, list[Any]]] = [
        (
            f"SELECT {ROW_SELECT}, ARRAY(SELECT f.membership_id FROM tickets_ticketfollower f "  # noqa: S608 - fixed SQL  # nosec B608
            "WHERE f.tenant_id = p.tenant_id AND f.ticket_id = p.id ORDER BY f.membership_id) "
            f"FROM tickets_ticket p {ROW_JOINS} WHERE p.tenant_id = %s AND p.id = %s AND {visible}",
            [*ids, *visible_params],
        ),
        (
            "SELECT m.id, m.ticket_id, m.author_id, u.full_name, u.email, m.is_internal, m.channel, "  # noqa: S608  # nosec B608
            "m.body_html, m.body_text, m.created_at FROM tickets_message m "
            "LEFT JOIN tenancy_membership a ON a.tenant_id = m.tenant_id AND a.id = m.author_id "
            "LEFT JOIN accounts_user u ON u.id = a.user_id "
            f"WHERE m.tenant_id = %s AND m.ticket_id = %s{public_only} ORDER BY m.id LIMIT {MAX_MESSAGES}",
            ids,
        ),
        (
            "SELECT x.id, x.filename, x.content_type, x.size, x.sha256, x.message_id, x.created_at "  # noqa: S608  # nosec B608
            "FROM tickets_attachment x "
            "JOIN tickets_message m ON m.tenant_id = x.tenant_id AND m.id = x.message_id "
            f"WHERE x.tenant_id = %s AND x.ticket_id = %s{public_only} ORDER BY x.id",
            ids,
        ),
        (
            "SELECT x.message_id, x.article_id, x.title, x.url FROM tickets_messagearticle x "  # noqa: S608  # nosec B608
            "JOIN tickets_message m ON m.tenant_id = x.tenant_id AND m.id = x.message_id "
            f"WHERE x.tenant_id = %s AND m.ticket_id = %s{public_only} ORDER BY x.position, x.id",
            ids,
        ),
    ]
    if viewer.is_staff_role:
        queries.append(
            (
                "SELECT l.id, l.kind, l.source_id, s.number, l.target_id, t.number FROM tickets_ticketlink l "
                "JOIN tickets_ticket s ON s.tenant_id = l.tenant_id AND s.id = l.source_id "
                "JOIN tickets_ticket t ON t.tenant_id = l.tenant_id AND t.id = l.target_id "
                "WHERE l.tenant_id = %s AND (l.source_id = %s OR l.target_id = %s) ORDER BY l.id",
                [*ids, ticket_id],
            )
        )
    results = fetch_pipelined(queries, prepared=True)  # lookups by the ticket id: see hot_cursor
    if not results[0]:
        return None
    *ticket_values, follower_ids = results[0][0]
    messages = [MessageRow._make(r) for r in results[1]]
    shown = {m.id for m in messages}  # attachments and articles of the first MAX_MESSAGES only
    return TicketDetailRows(
        ticket=ticket_row(tuple(ticket_values)),
        follower_ids=list(follower_ids),
        messages=messages,
        attachments=_by_message([a for a in map(AttachmentRow._make, results[2]) if a.message_id in shown]),
        articles=_by_message([a for a in map(ArticleRow._make, results[3]) if a.message_id in shown]),
        links=[LinkRow._make(r) for r in results[4]] if viewer.is_staff_role else [],
    )
