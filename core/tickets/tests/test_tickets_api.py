"""Tickets API: what an agent and a customer do all day, and what each must never see."""

import pytest

from events.models import OutboxEvent
from tenancy.context import tenant_context
from testing.factories import make_member, session_client, token_client
from tickets.services.fields import custom_field_create
from tickets.tests.helpers import add_message, call, make_ticket

pytestmark = pytest.mark.django_db


def _events(tenant_id):
    with tenant_context(tenant_id):
        return list(
            OutboxEvent.objects.filter(tenant_id=tenant_id).order_by("id").values_list("type", "envelope")
        )


def test_customer_creates_and_follows_their_ticket(two_tenants):
    a = two_tenants.a
    client = session_client(a.customer)
    response = call(client, "post", "/api/v1/tickets", {"subject": "Cannot log in", "body_text": "Help!"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["display_number"] == f"#{body['number']}"
    assert body["requester"]["id"] == a.customer.id
    assert body["channel"] == "portal"
    assert "assignee" not in body and "tags" not in body and "ai" not in body
    listed = call(client, "get", "/api/v1/tickets").json()["items"]
    assert [t["id"] for t in listed] == [body["id"]]
    types = [t for t, _ in _events(a.tenant.id)]
    assert types == ["ticket.created"]
    envelope = _events(a.tenant.id)[0][1]
    assert envelope["data"]["requester_membership_id"] == a.customer.id
    assert envelope["visibility"] == "public"


def test_customer_never_sees_internal_notes_or_other_requesters(two_tenants):
    a = two_tenants.a
    mine = make_ticket(a.customer)
    other_customer = make_member(a.tenant, "customer")
    theirs = make_ticket(other_customer, subject="Someone else's")
    add_message(mine, a.agent, "secret internal note", internal=True)
    add_message(mine, a.agent, "public answer")
    client = session_client(a.customer)
    detail = call(client, "get", f"/api/v1/tickets/{mine.id}").json()
    texts = [m["body_text"] for m in detail["messages"]]
    assert "public answer" in texts and "secret internal note" not in texts
    messages = call(client, "get", f"/api/v1/tickets/{mine.id}/messages").json()
    assert all(not m["is_internal"] for m in messages)
    assert call(client, "get", f"/api/v1/tickets/{theirs.id}").status_code == 404
    assert [t["id"] for t in call(client, "get", "/api/v1/tickets").json()["items"]] == [mine.id]
    # The agent sees both messages.
    staff_view = call(session_client(a.agent), "get", f"/api/v1/tickets/{mine.id}/messages").json()
    assert {m["body_text"] for m in staff_view} >= {"secret internal note", "public answer"}
    note_event = [e for t, e in _events(a.tenant.id) if t == "message.added" and e["data"]["is_internal"]]
    assert note_event and note_event[0]["visibility"] == "internal"


def test_agent_works_a_ticket_assign_tag_status_reply(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer)
    agent = session_client(a.agent)
    r = call(
        agent,
        "patch",
        f"/api/v1/tickets/{ticket.id}",
        {"assignee_id": a.agent.id, "tags": ["VIP", "billing"]},
    )
    assert r.status_code == 200, r.content
    assert r.json()["assignee"]["id"] == a.agent.id
    assert r.json()["tags"] == ["billing", "vip"]
    reply = call(agent, "post", f"/api/v1/tickets/{ticket.id}/messages", {"body_text": "On it"})
    assert reply.status_code == 201
    detail = call(agent, "get", f"/api/v1/tickets/{ticket.id}").json()
    assert detail["status"] == "open" and detail["first_response_at"]
    mine = call(agent, "get", "/api/v1/tickets?assignee=me&tag=vip").json()["items"]
    assert [t["id"] for t in mine] == [ticket.id]
    assert call(agent, "get", "/api/v1/tickets?assignee=none").json()["items"] == []
    solved = call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "solved"})
    assert solved.json()["status"] == "solved" and solved.json()["solved_at"]
    history = call(agent, "get", f"/api/v1/tickets/{ticket.id}/history").json()
    fields = [h["field"] for h in history]
    assert {"created", "assignee_id", "tags", "message", "status"} <= set(fields)
    status_change = [h for h in history if h["field"] == "status"][-1]
    assert (status_change["old"], status_change["new"]) == ("open", "solved")
    types = [t for t, _ in _events(a.tenant.id)]
    assert {"ticket.assigned", "ticket.updated", "message.added", "ticket.status_changed"} <= set(types)


def test_ticket_updated_carries_old_and_new_values_for_staff_only(two_tenants):
    """Features (triage's feedback loop) learn from the event what changed, not from a call."""
    a = two_tenants.a
    ticket = make_ticket(a.customer)
    agent = session_client(a.agent)
    call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"priority": "high", "tags": ["vip"]})
    updated = [e for t, e in _events(a.tenant.id) if t == "ticket.updated"][-1]
    assert updated["visibility"] == "public"  # the priority changed; the values stay agent-only
    assert updated["data"]["changed_fields"] == ["priority", "tags"]
    assert updated["data"]["agent_only"]["changes"] == {
        "priority": {"old": "normal", "new": "high"},
        "tags": {"old": [], "new": ["vip"]},
    }


def test_requester_reply_reopens_a_solved_ticket_and_closed_is_final(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer)
    agent, customer = session_client(a.agent), session_client(a.customer)
    call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "solved"})
    call(customer, "post", f"/api/v1/tickets/{ticket.id}/messages", {"body_text": "Still broken"})
    assert call(agent, "get", f"/api/v1/tickets/{ticket.id}").json()["status"] == "open"
    # Transitions are enforced: open -> closed is not allowed, solved -> closed is.
    bad = call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "closed"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert "status" in bad.json()["errors"]
    call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "solved"})
    assert call(agent, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "closed"}).status_code == 200
    assert (
        call(customer, "post", f"/api/v1/tickets/{ticket.id}/messages", {"body_text": "hi"}).status_code
        == 422
    )


def test_customer_can_only_solve_or_reopen(two_tenants):
    a = two_tenants.a
    ticket = make_ticket(a.customer)
    customer = session_client(a.customer)
    assert call(customer, "patch", f"/api/v1/tickets/{ticket.id}", {"priority": "urgent"}).status_code == 403
    assert call(customer, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "open"}).status_code == 403
    assert call(customer, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "solved"}).status_code == 200
    assert call(customer, "patch", f"/api/v1/tickets/{ticket.id}", {"status": "open"}).status_code == 200
    note = call(
        customer, "post", f"/api/v1/tickets/{ticket.id}/messages", {"body_text": "x", "internal": True}
    )
    assert note.status_code == 403


def test_custom_statuses_and_fields(two_tenants):
    a = two_tenants.a
    admin, agent, customer = session_client(a.admin), session_client(a.agent), session_client(a.customer)
    r = call(
        admin,
        "post",
        "/api/v1/statuses",
        {"key": "waiting_vendor", "name": "Waiting for vendor", "category": "on_hold"},
    )
    assert r.status_code == 201
    assert (
        call(agent, "post", "/api/v1/statuses", {"key": "x", "name": "X", "category": "open"}).status_code
        == 403
    )
    for payload in (
        {
            "key": "plan",
            "label": "Plan",
            "field_type": "dropdown",
            "options": ["free", "pro"],
            "required": True,
        },
        {"key": "risk", "label": "Risk score", "field_type": "number", "agent_only": True},
    ):
        assert call(admin, "post", "/api/v1/custom-fields", payload).status_code == 201
    assert (
        call(
            agent, "post", "/api/v1/custom-fields", {"key": "z", "label": "Z", "field_type": "text"}
        ).status_code
        == 403
    )
    missing = call(customer, "post", "/api/v1/tickets", {"subject": "s", "body_text": "b"})
    assert missing.status_code == 422 and "custom_fields.plan" in missing.json()["errors"]
    wrong = call(
        customer,
        "post",
        "/api/v1/tickets",
        {"subject": "s", "body_text": "b", "custom_fields": {"plan": "gold"}},
    )
    assert wrong.status_code == 422
    sneaky = call(
        customer,
        "post",
        "/api/v1/tickets",
        {"subject": "s", "body_text": "b", "custom_fields": {"plan": "pro", "risk": 1}},
    )
    assert sneaky.status_code == 422  # agent-only fields are not the customer's to set
    ok = call(
        customer,
        "post",
        "/api/v1/tickets",
        {"subject": "s", "body_text": "b", "custom_fields": {"plan": "pro"}},
    )
    ticket_id = ok.json()["id"]
    r = call(
        agent,
        "patch",
        f"/api/v1/tickets/{ticket_id}",
        {"custom_fields": {"risk": 7}, "status": "waiting_vendor"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "waiting_vendor" and r.json()["status_category"] == "on_hold"
    assert call(customer, "get", f"/api/v1/tickets/{ticket_id}").json()["custom_fields"] == {"plan": "pro"}
    assert [f["key"] for f in call(customer, "get", "/api/v1/custom-fields").json()] == ["plan"]
    filtered = call(agent, "get", "/api/v1/tickets?cf=risk:7&status=waiting_vendor").json()["items"]
    assert [t["id"] for t in filtered] == [ticket_id]
    assert call(agent, "get", "/api/v1/tickets?cf=risk:8").json()["items"] == []
    assert call(agent, "get", "/api/v1/tickets?status_category=on_hold").json()["items"][0]["id"] == ticket_id


def test_keyset_pagination_walks_every_ticket_once(two_tenants):
    a = two_tenants.a
    created = [make_ticket(a.customer, subject=f"t{i}").id for i in range(7)]
    agent = session_client(a.agent)
    for sort in ("-updated_at", "created_at", "-created_at", "updated_at"):
        seen, cursor = [], None
        while True:
            url = f"/api/v1/tickets?limit=3&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
            page = call(agent, "get", url).json()
            seen += [t["id"] for t in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(created) and len(seen) == len(set(seen)), sort
    assert call(agent, "get", "/api/v1/tickets?cursor=garbage").status_code == 422
    assert call(agent, "get", "/api/v1/tickets?sort=subject").status_code == 422


def test_list_finds_tickets_by_number_within_the_tenant_and_visibility(two_tenants):
    # Given both tenants numbering from 1, so the same number exists in each
    a, b = two_tenants.a, two_tenants.b
    first = make_ticket(a.customer, subject="mine")
    someone = make_member(a.tenant, "customer")
    theirs = make_ticket(someone, subject="not mine")
    b_ticket = make_ticket(b.customer, subject="other tenant")
    assert b_ticket.number == first.number
    agent = session_client(a.agent)
    # When an agent asks for those numbers, they get this tenant's tickets only
    found = call(agent, "get", f"/api/v1/tickets?number={first.number}&number={theirs.number}").json()
    assert sorted(t["id"] for t in found["items"]) == sorted([first.id, theirs.id])
    assert call(agent, "get", "/api/v1/tickets?number=999999").json()["items"] == []
    # A customer finds only their own by number; another tenant's agent never sees a's
    customer = session_client(a.customer)
    assert [
        t["id"] for t in call(customer, "get", f"/api/v1/tickets?number={theirs.number}").json()["items"]
    ] == []
    b_found = call(session_client(b.agent), "get", f"/api/v1/tickets?number={first.number}").json()["items"]
    assert [t["id"] for t in b_found] == [b_ticket.id]
    # Search takes the same filter
    hits = call(agent, "get", f"/api/v1/search?q=mine&number={first.number}").json()["items"]
    assert [h["ticket"]["id"] for h in hits] == [first.id]
    # Garbage is a 422, not a 500
    assert call(agent, "get", "/api/v1/tickets?number=abc").status_code == 422


def test_bulk_update_is_all_or_nothing(two_tenants):
    a = two_tenants.a
    t1, t2 = make_ticket(a.customer), make_ticket(a.customer)
    agent = session_client(a.agent)
    call(agent, "patch", f"/api/v1/tickets/{t2.id}", {"status": "solved"})
    call(agent, "patch", f"/api/v1/tickets/{t2.id}", {"status": "closed"})
    failed = call(agent, "post", "/api/v1/tickets/bulk-update", {"ids": [t1.id, t2.id], "priority": "urgent"})
    assert failed.status_code == 422
    assert call(agent, "get", f"/api/v1/tickets/{t1.id}").json()["priority"] == "normal"  # rolled back
    t3 = make_ticket(a.customer)
    ok = call(
        agent,
        "post",
        "/api/v1/tickets/bulk-update",
        {"ids": [t1.id, t3.id], "priority": "high", "add_tags": ["x"]},
    )
    assert ok.status_code == 200 and ok.json()["updated"] == 2
    assert {t["priority"] for t in ok.json()["items"]} == {"high"}
    too_many = call(
        agent, "post", "/api/v1/tickets/bulk-update", {"ids": list(range(1, 102)), "priority": "low"}
    )
    assert too_many.status_code == 422
    assert (
        call(
            session_client(a.customer),
            "post",
            "/api/v1/tickets/bulk-update",
            {"ids": [t1.id], "priority": "low"},
        ).status_code
        == 403
    )


def test_merge_moves_messages_and_closes_the_source(two_tenants):
    a = two_tenants.a
    other = make_member(a.tenant, "customer")
    source, target = make_ticket(other, subject="dup", body="first words"), make_ticket(a.customer)
    agent = session_client(a.agent)
    r = call(agent, "post", f"/api/v1/tickets/{source.id}/merge", {"target_id": target.id})
    assert r.status_code == 200, r.content
    assert "first words" in [m["body_text"] for m in r.json()["messages"]]
    assert other.id in r.json()["follower_ids"]
    src = call(agent, "get", f"/api/v1/tickets/{source.id}").json()
    assert src["status"] == "closed" and src["merged_into_id"] == target.id
    assert any(link["kind"] == "duplicate_of" for link in src["links"])
    # The source's requester now follows the target and can read it.
    assert call(session_client(other), "get", f"/api/v1/tickets/{target.id}").status_code == 200
    assert "ticket.merged" in [t for t, _ in _events(a.tenant.id)]
    again = call(agent, "post", f"/api/v1/tickets/{source.id}/merge", {"target_id": target.id})
    assert again.status_code == 422


def test_links_and_tags(two_tenants):
    a = two_tenants.a
    t1, t2 = make_ticket(a.customer), make_ticket(a.customer)
    agent = session_client(a.agent)
    r = call(agent, "post", f"/api/v1/tickets/{t1.id}/links", {"target_id": t2.id, "kind": "parent_of"})
    assert r.status_code == 201
    assert (
        call(
            agent, "post", f"/api/v1/tickets/{t1.id}/links", {"target_id": t2.id, "kind": "parent_of"}
        ).status_code
        == 422
    )
    assert (
        call(
            agent, "post", f"/api/v1/tickets/{t1.id}/links", {"target_id": t1.id, "kind": "related"}
        ).status_code
        == 422
    )
    assert call(agent, "delete", f"/api/v1/tickets/{t1.id}/links/{r.json()['id']}").status_code == 204
    call(agent, "patch", f"/api/v1/tickets/{t1.id}", {"tags": ["a", "b"]})
    call(agent, "patch", f"/api/v1/tickets/{t2.id}", {"tags": ["a"]})
    assert call(agent, "get", "/api/v1/tags").json() == [{"name": "a", "count": 2}, {"name": "b", "count": 1}]
    assert call(agent, "patch", f"/api/v1/tickets/{t1.id}", {"tags": ["<script>"]}).status_code == 422


def test_parent_links_allow_one_parent_and_no_cycles(two_tenants):
    a = two_tenants.a
    parent, child, other = make_ticket(a.customer), make_ticket(a.customer), make_ticket(a.customer)
    agent = session_client(a.agent)

    def link(source, target):
        return call(
            agent, "post", f"/api/v1/tickets/{source.id}/links", {"target_id": target.id, "kind": "parent_of"}
        )

    assert link(parent, child).status_code == 201
    second_parent = link(other, child)
    assert second_parent.status_code == 422 and "already has a parent" in second_parent.text
    cycle = link(child, parent)
    assert cycle.status_code == 422 and "cycle" in cycle.text
    foreign = make_ticket(two_tenants.b.customer)
    assert link(parent, foreign).status_code == 404

    blocked = call(agent, "patch", f"/api/v1/tickets/{parent.id}", {"status": "solved"})
    assert blocked.status_code == 422 and str(child.id) in blocked.text
    assert call(agent, "patch", f"/api/v1/tickets/{child.id}", {"status": "solved"}).status_code == 200
    assert call(agent, "patch", f"/api/v1/tickets/{parent.id}", {"status": "solved"}).status_code == 200


def test_invalid_input_is_problem_json_never_500(two_tenants):
    agent = session_client(two_tenants.a.agent)
    for method, path, data in [
        ("post", "/api/v1/tickets", {"subject": ""}),
        ("post", "/api/v1/tickets", {"subject": "x", "body_text": "y", "priority": "extreme"}),
        ("post", "/api/v1/tickets", {"subject": "x", "body_text": "y", "assignee_id": 999999}),
        ("post", "/api/v1/tickets", {"subject": "x", "body_text": "y", "requester_id": "abc"}),
        ("get", "/api/v1/tickets?created_after=yesterday", None),
        ("get", "/api/v1/tickets?cf=nocolon", None),
        ("get", "/api/v1/tickets/99999999", None),
        ("get", "/api/v1/search?q=", None),
    ]:
        response = call(agent, method, path, data)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.content)
        assert response["Content-Type"] == "application/problem+json", path
    assigned_customer = call(
        agent,
        "post",
        "/api/v1/tickets",
        {"subject": "x", "body_text": "y", "assignee_id": two_tenants.a.customer.id},
    )
    assert assigned_customer.status_code == 422 and "assignee_id" in assigned_customer.json()["errors"]


def test_oversized_json_body_gets_413(two_tenants, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    agent = session_client(two_tenants.a.agent)
    response = call(agent, "post", "/api/v1/tickets", {"subject": "x", "body_text": "y" * 5000})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


def test_api_token_creates_with_api_channel(two_tenants):
    client, _ = token_client(two_tenants.a.agent)
    r = call(
        client,
        "post",
        "/api/v1/tickets",
        {"subject": "x", "body_text": "y", "channel": "api", "requester_id": two_tenants.a.customer.id},
    )
    assert r.status_code == 201 and r.json()["channel"] == "api"


def test_required_custom_field_blocks_agent_create_too(two_tenants):
    with tenant_context(two_tenants.a.tenant.id):
        custom_field_create(
            tenant=two_tenants.a.tenant, key="plan", label="Plan", field_type="text", required=True
        )
    r = call(
        session_client(two_tenants.a.agent), "post", "/api/v1/tickets", {"subject": "x", "body_text": "y"}
    )
    assert r.status_code == 422


def test_openapi_describes_every_ticket_endpoint(two_tenants):
    schema = session_client(two_tenants.a.agent).get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/tickets/bulk-update",
        "/api/v1/tickets/{ticket_id}/merge",
        "/api/v1/tickets/{ticket_id}/links",
        "/api/v1/tickets/{ticket_id}/messages",
        "/api/v1/tickets/{ticket_id}/attachments",
        "/api/v1/attachments/{attachment_id}/download",
        "/api/v1/tickets/{ticket_id}/history",
        "/api/v1/tags",
        "/api/v1/custom-fields",
        "/api/v1/statuses",
        "/api/v1/search",
    ):
        assert path in schema["paths"], path
