"""Account takeover through unverified or reused email, invitation and reset tokens, across tenants.

Advisories: Chatwoot CVE-2026-44707 (an account registered with someone else's unverified
address later inherits their access), FreeScout CVE-2026-53595 (password reset tokens
accepted beyond their scope). A self-service sign-up never proves the address, so an
invitation to such an account resets its password through the real owner's mailbox; a reset
link works once, for its own user, on the tenant that sent it; sign-up cannot claim an
address that already has an account.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.test import Client

from testing.factories import host_for, make_member, make_tenant, make_user, session_client
from testing.outbound_mail import deliver_mail
from tickets.tests.helpers import call

ADVISORY_CLASS = "account takeover (email, invite, reset)"
pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
SQUATTER = "squatter chose this"


def _post(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def _allow_signup(tenant) -> None:
    tenant.settings = {**tenant.settings, "portal": {"allow_signup": True}}
    tenant.save(update_fields=["settings"])


def _reset_link(tenant, email: str) -> tuple[str, str]:
    mail.outbox.clear()
    assert (
        _post(Client(HTTP_HOST=host_for(tenant)), "/api/v1/auth/password-reset", {"email": email}).status_code
        == 202
    )
    deliver_mail()
    bodies = [m.body for m in mail.outbox if email in m.to and "/reset-password?" in m.body]
    match = re.search(r"/reset-password\?uid=([\w-]+)&token=([\w-]+)", bodies[-1] if bodies else "")
    assert match, bodies
    return match.group(1), match.group(2)


def _signs_in(tenant, email: str, password: str) -> bool:
    client = Client(HTTP_HOST=host_for(tenant))
    return _post(client, "/api/v1/auth/login", {"email": email, "password": password}).status_code == 200


def test_an_invitation_does_not_hand_a_squatted_address_to_the_squatter(two_tenants, tally):
    open_portal, company = two_tenants.a.tenant, two_tenants.b.tenant
    _allow_signup(open_portal)
    for n, spelling in enumerate(("victim{n}@corp.test", "Victim{n}@Corp.TEST")):
        email = spelling.format(n=n)
        squatted = _post(Client(HTTP_HOST=host_for(open_portal)), "/api/v1/auth/signup",
                         {"email": email, "password": SQUATTER})  # fmt: skip
        assert squatted.status_code == 202, squatted.content  # a link to the owner's mailbox only
        invited = call(session_client(two_tenants.b.admin), "post", "/api/v1/members",
                       {"email": email.strip().lower(), "role": "agent"})  # fmt: skip
        assert invited.status_code == 201, invited.content
        if _signs_in(company, email.strip().lower(), SQUATTER):
            tally.failed(email, "squatter signs in to the inviting tenant", "with the password they chose")
        else:
            tally.neutralised(email, "invitation of a sign-up account")
        # the real owner gets a link to choose a password, and then gets in
        uid, token = _reset_link(company, email.strip().lower())
        confirmed = _post(Client(HTTP_HOST=host_for(company)), "/api/v1/auth/password-reset/confirm",
                          {"uid": uid, "token": token, "password": PASSWORD})  # fmt: skip
        assert confirmed.status_code == 204, confirmed.content
        assert _signs_in(company, email.strip().lower(), PASSWORD)
    tally.assert_held()


def test_reset_links_work_once_for_their_user_on_their_tenant(two_tenants, tally):
    acme, globex = two_tenants.a.tenant, two_tenants.b.tenant
    both = make_user("both@corp.test", PASSWORD)
    make_member(acme, "agent", both)
    make_member(globex, "agent", both)
    other = two_tenants.a.agent.user
    uid, token = _reset_link(acme, both.email)
    other_uid, _ = _reset_link(acme, other.email)
    attempts = [
        ("acme's link on globex's host", globex, uid, token),
        ("the token with another user's uid", acme, other_uid, token),
        ("a tampered token", acme, uid, token[:-2] + ("aa" if not token.endswith("aa") else "bb")),
        ("an empty-looking token", acme, uid, "-"),
        ("a non-numeric uid", acme, "bm90LWEtbnVtYmVy", token),
        ("a uid beyond bigint", acme, "OTIyMzM3MjAzNjg1NDc3NTgwOA", token),
    ]
    for label, tenant, u, t in attempts:
        response = _post(Client(HTTP_HOST=host_for(tenant)), "/api/v1/auth/password-reset/confirm",
                         {"uid": u, "token": t, "password": "attacker password 1"})  # fmt: skip
        tally.judge(t, label, status=response.status_code, harmless=False)
    used = _post(Client(HTTP_HOST=host_for(acme)), "/api/v1/auth/password-reset/confirm",
                 {"uid": uid, "token": token, "password": "a brand new staple"})  # fmt: skip
    assert used.status_code == 204, used.content
    again = _post(Client(HTTP_HOST=host_for(acme)), "/api/v1/auth/password-reset/confirm",
                  {"uid": uid, "token": token, "password": "attacker password 2"})  # fmt: skip
    tally.judge(token, "the same link a second time", status=again.status_code, harmless=False)
    outsider = make_tenant("outsider")
    response = _post(Client(HTTP_HOST=host_for(outsider)), "/api/v1/auth/password-reset/confirm",
                     {"uid": uid, "token": token, "password": "attacker password 3"})  # fmt: skip
    tally.judge(token, "on a tenant the user is not in", status=response.status_code, harmless=False)
    tally.assert_held()


def test_sign_up_cannot_claim_an_address_with_an_account(two_tenants, tally):
    """Sign-up only mails the address's owner; the form's password never reaches an account."""
    _allow_signup(two_tenants.a.tenant)
    owner = two_tenants.b.owner.user  # owner@globex.test, a member elsewhere
    for spelling in (owner.email, owner.email.upper(), f" {owner.email} "):
        mail.outbox.clear()
        response = _post(Client(HTTP_HOST=host_for(two_tenants.a.tenant)), "/api/v1/auth/signup",
                         {"email": spelling, "password": "attacker guess"})  # fmt: skip
        deliver_mail()
        owner.refresh_from_db()
        harmless = (
            not owner.check_password("attacker guess")
            and not _signs_in(two_tenants.a.tenant, owner.email, "attacker guess")
            and all(m.to == [owner.email] for m in mail.outbox)
        )
        tally.judge(spelling, "sign-up with another person's address", status=response.status_code,
                    harmless=harmless)  # fmt: skip
    tally.assert_held()
