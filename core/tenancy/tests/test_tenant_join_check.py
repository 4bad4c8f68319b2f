"""The tenant_id join check (testing.tenant_joins) passes co-located SQL and fails the rest."""

import pytest

from testing.tenant_joins import check_statement

TENANT_TABLES = {
    "tickets_ticket", "tenancy_membership", "tickets_ticketfollower", "tickets_customstatus",
    "tickets_message", "tickets_attachment", "tickets_ticketlink", "kb_articlesearchentry",
    "kb_articletranslation", "kb_article",
}  # fmt: skip

LINKED = {
    "an ORM join with the tenant in ON": (
        'SELECT "tickets_ticket"."id" FROM "tickets_ticket" INNER JOIN "tenancy_membership" '
        'ON ("tickets_ticket"."requester_id" = "tenancy_membership"."id" '
        'AND ("tenancy_membership"."tenant_id" = ("tickets_ticket"."tenant_id"))) '
        'WHERE "tickets_ticket"."tenant_id" = 5'
    ),
    "both tables pinned to one tenant": (
        "SELECT 1 FROM tickets_ticket t JOIN tenancy_membership m ON m.id = t.requester_id "
        "WHERE t.tenant_id = 5 AND m.tenant_id = '5'::int8"
    ),
    "a LATERAL join through a derived table's tenant_id": (
        "SELECT p.id FROM (SELECT t.id, t.tenant_id, t.requester_id FROM tickets_ticket t "
        "WHERE t.tenant_id = 5 ORDER BY t.id LIMIT 25) p LEFT JOIN LATERAL (SELECT u.full_name "
        "FROM tenancy_membership m JOIN accounts_user u ON u.id = m.user_id "
        "WHERE m.tenant_id = p.tenant_id AND m.id = p.requester_id OFFSET 0) rq ON true"
    ),
    "an IN subquery under OR, pinned in its own WHERE": (
        "SELECT t.id FROM tickets_ticket t WHERE t.tenant_id = 5 AND (t.requester_id = 3 OR t.id IN "
        "(SELECT f.ticket_id FROM tickets_ticketfollower f WHERE f.tenant_id = 5 AND f.membership_id = 3))"
    ),
    "a correlated scalar subquery": (
        "SELECT (SELECT cs.key FROM tickets_customstatus cs WHERE cs.tenant_id = p.tenant_id "
        "AND cs.id = p.custom_status_id) FROM tickets_ticket p WHERE p.tenant_id = 5"
    ),
    "a CTE, UNION arms and plpgsql variables": (
        "WITH candidates AS ((SELECT e.translation_id AS id FROM kb_articlesearchentry e "
        "WHERE e.tenant_id = v_tenant LIMIT 40) UNION (SELECT t.id FROM kb_articletranslation t "
        "CROSS JOIN LATERAL (SELECT 1 FROM kb_articlesearchentry e WHERE e.tenant_id = v_tenant "
        "AND e.translation_id = t.id OFFSET 0) e WHERE t.tenant_id = v_tenant LIMIT 60)) "
        "SELECT r.id FROM (SELECT t.id, t.article_id FROM candidates c JOIN kb_articletranslation t "
        "ON t.tenant_id = v_tenant AND t.id = c.id) r JOIN kb_article a "
        "ON a.tenant_id = v_tenant AND a.id = r.article_id"
    ),
    "a row comparison and a join USING tenant_id": (
        "SELECT 1 FROM tickets_message m JOIN tickets_attachment x USING (tenant_id) "
        "JOIN tickets_ticket t ON (t.tenant_id, t.id) = (m.tenant_id, m.ticket_id) WHERE m.id = 1"
    ),
    "one tenant table with a global one": (
        'SELECT 1 FROM "tenancy_membership" INNER JOIN "accounts_user" '
        'ON ("tenancy_membership"."user_id" = "accounts_user"."id") WHERE "accounts_user"."id" = 3'
    ),
    "an update and an upsert": (
        'UPDATE "tickets_ticket" SET "subject" = \'x\' WHERE "tickets_ticket"."id" = 5; '
        "INSERT INTO tickets_ticketcounter (tenant_id, last_number) VALUES (5, 1) ON CONFLICT (tenant_id) "
        "DO UPDATE SET last_number = tickets_ticketcounter.last_number + 1 RETURNING last_number"
    ),
}

UNLINKED = {
    "an ORM join on the id alone": (
        'SELECT "tickets_ticket"."id" FROM "tickets_ticket" INNER JOIN "tenancy_membership" '
        'ON ("tickets_ticket"."requester_id" = "tenancy_membership"."id") '
        'WHERE "tickets_ticket"."tenant_id" = 5'
    ),
    "the second tenant only under OR": (
        "SELECT 1 FROM tickets_ticket t JOIN tenancy_membership m ON m.id = t.requester_id "
        "WHERE t.tenant_id = 5 AND (m.tenant_id = 5 OR m.id = 3)"
    ),
    "two tenants' values": (
        "SELECT 1 FROM tickets_ticket t JOIN tenancy_membership m ON m.id = t.requester_id "
        "WHERE t.tenant_id = 5 AND m.tenant_id = 6"
    ),
    "a derived table that hides its tenant_id": (
        "SELECT p.id FROM (SELECT t.id, t.requester_id FROM tickets_ticket t WHERE t.tenant_id = 5) p "
        "LEFT JOIN LATERAL (SELECT 1 FROM tenancy_membership m WHERE m.id = p.requester_id) rq ON true"
    ),
    "an IN subquery without the tenant": (
        "SELECT t.id FROM tickets_ticket t WHERE t.tenant_id = 5 AND t.id IN "
        "(SELECT f.ticket_id FROM tickets_ticketfollower f WHERE f.membership_id = 3)"
    ),
    "a NOT around the equality": (
        "SELECT 1 FROM tickets_message m, tickets_attachment x "
        "WHERE m.tenant_id = 5 AND NOT (x.tenant_id = m.tenant_id)"
    ),
    "a second link joined on its id only": (
        "SELECT l.id FROM tickets_ticketlink l JOIN tickets_ticket s ON s.tenant_id = l.tenant_id "
        "AND s.id = l.source_id JOIN tickets_ticket t ON t.id = l.target_id WHERE l.tenant_id = 5"
    ),
}


@pytest.mark.parametrize("sql", LINKED.values(), ids=LINKED.keys())
def test_linked_statements_pass(sql):
    verdict = check_statement(sql, TENANT_TABLES)
    assert verdict.ok, str(verdict)


@pytest.mark.parametrize("sql", UNLINKED.values(), ids=UNLINKED.keys())
def test_unlinked_statements_fail(sql):
    verdict = check_statement(sql, TENANT_TABLES)
    assert verdict.unlinked and not verdict.unread, str(verdict)


def test_what_it_cannot_read_is_a_failure_not_a_pass():
    verdict = check_statement(
        "SELECT 1 FROM tickets_ticket t WHERE zz.tenant_id = t.tenant_id", TENANT_TABLES
    )
    assert not verdict.ok
    assert verdict.unread == ["unknown alias zz.tenant_id"]
    assert not check_statement("SELECT (1 FROM tickets_ticket", TENANT_TABLES).ok
