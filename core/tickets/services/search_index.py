"""Keep a ticket's search vectors current: subject and public messages, internal notes apart."""

from __future__ import annotations

from django.db import connection

from tenancy.models import Tenant
from tickets.models import Ticket
from tickets.search_config import MAX_INDEXED_CHARS, search_config


def index_message(*, tenant: Tenant, ticket: Ticket, text: str, internal: bool) -> None:
    column = "internal_search_vector" if internal else "search_vector"
    weight = "C" if internal else "B"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE tickets_ticket SET {column} = coalesce({column}, ''::tsvector) "  # noqa: S608 - fixed names  # nosec B608
            f"|| setweight(to_tsvector(%s::regconfig, %s), '{weight}') WHERE tenant_id = %s AND id = %s",
            [search_config(tenant), text[:MAX_INDEXED_CHARS], tenant.id, ticket.id],
        )


def reindex_ticket(*, tenant: Tenant, ticket: Ticket) -> None:
    """Rebuild both vectors from the subject and every message (after a subject change or merge)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE tickets_ticket t SET
              search_vector = setweight(to_tsvector(%(cfg)s::regconfig, t.subject), 'A') || coalesce((
                SELECT string_agg(
                   setweight(to_tsvector(%(cfg)s::regconfig, left(m.body_text, %(max)s)), 'B')::text, ' '
                       )::tsvector
                FROM tickets_message m
                WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id AND NOT m.is_internal), ''::tsvector),
              internal_search_vector = (
                SELECT to_tsvector(%(cfg)s::regconfig, string_agg(left(m.body_text, %(max)s), ' '))
                FROM tickets_message m
                WHERE m.tenant_id = t.tenant_id AND m.ticket_id = t.id AND m.is_internal)
            WHERE t.tenant_id = %(tenant)s AND t.id = %(ticket)s
            """,
            {
                "cfg": search_config(tenant),
                "max": MAX_INDEXED_CHARS,
                "tenant": tenant.id,
                "ticket": ticket.id,
            },
        )
