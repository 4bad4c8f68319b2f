"""IMAP polling against a real IMAP server over TCP (core/testing/imap_server.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from email_channel.imap import mailbox_poll
from email_channel.mailboxes import mailbox_create, mailbox_update
from email_channel.models import InboundEmail, Mailbox, QuarantinedEmail
from tenancy.context import tenant_context
from testing.imap_server import ImapServer
from testing.workers import free_port


def mail(n: int, sender: str = "dana@example.org", to: str = "help@acme-corp.example") -> bytes:
    return (
        f"From: Dana Doe <{sender}>\r\nTo: {to}\r\nSubject: Question {n}\r\n"
        f"Message-ID: <imap-{n}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Body of question {n}.\r\n"
    ).encode()


@pytest.fixture
def imap(settings):
    settings.FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS = True  # the test server listens on 127.0.0.1
    server = ImapServer({"help@acme-corp.example": 'se"cret pw'}).start()
    yield server
    server.stop()


def _mailbox(tenant, imap, **extra) -> Mailbox:
    password = extra.pop("password", 'se"cret pw')
    values = {
        "address": "help@acme-corp.example",
        "host": imap.host,
        "port": imap.port,
        "security": "none",
        "username": "help@acme-corp.example",
        **extra,
    }
    with tenant_context(tenant.id):
        return mailbox_create(tenant=tenant, password=password, **values)


def _poll(box: Mailbox):
    result = mailbox_poll(tenant_id=box.tenant_id, mailbox_id=box.id)
    with tenant_context(box.tenant_id):
        box.refresh_from_db()
    return result


def _tickets(tenant):
    from tickets.models import Ticket

    with tenant_context(tenant.id):
        return list(Ticket.objects.filter(tenant=tenant).order_by("id").values_list("subject", "channel"))


@pytest.mark.django_db
def test_poll_opens_tickets_marks_mail_seen_and_resumes_after_the_last_uid(two_tenants, imap):
    user = "help@acme-corp.example"
    tenant = two_tenants.a.tenant
    imap.deliver(user, mail(1))
    imap.deliver(user, mail(2))
    box = _mailbox(tenant, imap)

    result = _poll(box)

    assert (result.status, result.ingested) == ("ok", 2), result.error
    assert _tickets(tenant) == [("Question 1", "email"), ("Question 2", "email")]
    assert all("\\Seen" in m.flags for m in imap.folder(user).messages)
    assert (box.last_uid, box.messages_ingested, box.last_error) == (2, 2, "")
    assert box.last_polled_at is not None and box.last_success_at is not None
    # The fetch used BODY.PEEK (seen only once stored), the password went quoted.
    assert any("BODY.PEEK[]" in c for c in imap.commands)

    # Nothing new: nothing fetched again. A new message: only that one.
    assert _poll(box).ingested == 0
    imap.deliver(user, mail(3))
    assert _poll(box).ingested == 1
    assert len(_tickets(tenant)) == 3
    assert not _tickets(two_tenants.b.tenant)


@pytest.mark.django_db
def test_renumbered_folder_is_read_again_and_message_id_dedupe_keeps_it_idempotent(two_tenants, imap):
    user = "help@acme-corp.example"
    tenant = two_tenants.a.tenant
    imap.deliver(user, mail(1))
    box = _mailbox(tenant, imap)
    assert _poll(box).ingested == 1
    # The server renumbers the folder (new UIDVALIDITY): the same mail comes back as UID 1 again.
    folder = imap.folder(user)
    folder.uid_validity, folder.uid_next, folder.messages = 2, 1, []
    imap.deliver(user, mail(1))
    imap.deliver(user, mail(2))

    result = _poll(box)

    assert (result.status, result.ingested) == ("ok", 2)
    assert box.uid_validity == 2 and box.last_uid == 2
    assert [s for s, _ in _tickets(tenant)] == ["Question 1", "Question 2"]  # no second "Question 1"
    assert QuarantinedEmail.objects.filter(reason="duplicate", message_id="<imap-1@example.org>").count() == 1


@pytest.mark.django_db
def test_processed_mail_moves_to_the_processed_folder(two_tenants, imap):
    user = "help@acme-corp.example"
    imap.folder(user, "Processed")
    imap.deliver(user, mail(1))
    box = _mailbox(two_tenants.a.tenant, imap, processed_folder="Processed")

    assert _poll(box).ingested == 1

    assert imap.folder(user).messages == []
    assert [m.raw for m in imap.folder(user, "Processed").messages] == [mail(1)]


@pytest.mark.django_db
def test_mail_from_the_mailbox_itself_is_a_loop_and_ccs_of_it_are_not_followers(two_tenants, imap):
    user = "help@acme-corp.example"
    tenant = two_tenants.a.tenant
    imap.deliver(user, mail(1, sender="help@acme-corp.example"))
    cc = mail(2).replace(
        b"To: help@acme-corp.example\r\n", b"To: help@acme-corp.example\r\nCc: HELP@acme-corp.example\r\n"
    )
    imap.deliver(user, cc)
    box = _mailbox(tenant, imap)

    assert _poll(box).ingested == 2

    assert QuarantinedEmail.objects.filter(reason="loop_own_address", about_tenant_id=tenant.id).count() == 1
    from tickets.models import TicketFollower

    with tenant_context(tenant.id):
        assert not TicketFollower.objects.filter(tenant=tenant).exists()
        assert InboundEmail.objects.filter(tenant=tenant).count() == 1


@pytest.mark.django_db
def test_failures_are_recorded_on_the_mailbox_and_never_raised(two_tenants, imap, settings):
    tenant = two_tenants.a.tenant
    wrong = _mailbox(tenant, imap, password="wrong")
    result = _poll(wrong)
    assert result.status == "error"
    assert wrong.last_error.startswith("login failed") and "AUTHENTICATIONFAILED" in wrong.last_error
    assert wrong.last_polled_at is not None and wrong.last_success_at is None

    refused = _mailbox(tenant, imap, address="other@acme-corp.example", port=free_port())
    assert _poll(refused).status == "error"
    assert refused.last_error.startswith("connection refused")

    missing = _mailbox(tenant, imap, address="third@acme-corp.example", folder="Nope")
    assert _poll(missing).status == "error"
    assert "SELECT Nope failed" in missing.last_error

    settings.SECRET_KEY = "a-rotated-secret-key-" + "x" * 40
    good = _mailbox(tenant, imap, address="fourth@acme-corp.example")
    settings.SECRET_KEY = "another-rotated-secret-key-" + "y" * 40
    assert _poll(good).status == "error"
    assert "cannot be decrypted" in good.last_error

    # Fixing the password clears the error on the next poll.
    with tenant_context(tenant.id):
        mailbox_update(tenant=tenant, mailbox=wrong, changes={}, password='se"cret pw')
    assert _poll(wrong).status == "ok"
    assert wrong.last_error == "" and wrong.last_success_at is not None


@pytest.mark.django_db
def test_the_password_is_stored_encrypted(two_tenants, imap):
    box = _mailbox(two_tenants.a.tenant, imap)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(box.tenant_id)])
        cursor.execute("SELECT password_encrypted FROM email_channel_mailbox WHERE id = %s", [box.id])
        stored = cursor.fetchone()[0]
    assert "cret" not in stored and len(stored) > 60


@pytest.mark.django_db
def test_the_beat_lists_active_mailboxes_of_every_tenant(two_tenants, imap):
    a = _mailbox(two_tenants.a.tenant, imap)
    b = _mailbox(two_tenants.b.tenant, imap)
    off = _mailbox(two_tenants.a.tenant, imap, address="off@acme-corp.example", active=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tenant_id, mailbox_id FROM email_active_mailboxes()")
        rows = set(cursor.fetchall())
    assert rows == {(a.tenant_id, a.id), (b.tenant_id, b.id)}
    assert mailbox_poll(tenant_id=off.tenant_id, mailbox_id=off.id).status == "inactive"
    # A mailbox id asked for under another tenant is not found there.
    assert mailbox_poll(tenant_id=b.tenant_id, mailbox_id=a.id).status == "inactive"


@pytest.mark.committed
@pytest.mark.usefixtures("committed")
def test_the_beat_of_a_real_worker_polls_the_mailbox(imap, settings, tmp_path):
    from config.celery import app as celery_app
    from testing.factories import make_tenant
    from testing.workers import kill_group, start_worker, wait_until, worker_env

    tenant = make_tenant("acme")
    box = _mailbox(tenant, imap)
    imap.deliver("help@acme-corp.example", mail(1))
    celery_app.control.purge()
    env = worker_env(
        settings.REDIS_URL,
        FRONTLINE_IMAP_POLL_SECONDS="1",
        FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS="1",
        FRONTLINE_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
    )
    worker = start_worker(env, beat=True, log=tmp_path / "worker.log")
    try:
        assert wait_until(lambda: len(_tickets(tenant)) == 1, timeout=90), (
            tmp_path / "worker.log"
        ).read_text()
        imap.deliver("help@acme-corp.example", mail(2))
        assert wait_until(lambda: len(_tickets(tenant)) == 2, timeout=30)
    finally:
        kill_group(worker, sig=15)
        celery_app.control.purge()
    with tenant_context(tenant.id):
        box.refresh_from_db()
    assert box.last_uid == 2 and box.messages_ingested == 2 and box.last_error == ""


@pytest.mark.django_db
def test_private_hosts_are_refused_unless_the_operator_allows_them(two_tenants, imap, settings):
    tenant = two_tenants.a.tenant
    imap.deliver("help@acme-corp.example", mail(1))
    box = _mailbox(tenant, imap)
    settings.FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS = False
    result = _poll(box)
    assert result.status == "error" and "non-public address (127.0.0.1)" in box.last_error
    assert imap.logins == 0 and not _tickets(tenant)
    from django.core.exceptions import ValidationError

    with tenant_context(tenant.id), pytest.raises(ValidationError, match="non-public"):
        mailbox_update(tenant=tenant, mailbox=box, changes={"host": "localhost"})
