"""Data-access archives: everything held about one person in a tenant, as a zip of JSON files and
their attachments, written by a worker through the export-job machinery of reports (progress,
download, expiry).

The archive holds what the person could see or gave us, and what we derived about them:
profile and membership; the tickets they requested (the fields a customer sees, plus the AI's
sentiment and language guesses about their messages) with every public message; the messages
they wrote on other tickets; the tickets they follow; their CSAT answers; the attachments of
those messages and every file they uploaded; the security log entries about them.
Internal notes and agent-only fields are staff work product and often about other people, so
they are left out unless the admin asks for them (`include_internal_notes`), having judged
that the request covers them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import IO, Any

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest

from accounts.services.users import audit_record
from jobs import enqueue_on_commit, task_name
from privacy.selectors import (
    PRIVACY_EXPORT_KIND,
    archive_attachments,
    archive_audit,
    archive_csat,
    archive_messages,
    archive_tickets,
    authored_elsewhere_ticket_ids,
    erasure_for,
    followed_ticket_numbers,
    person_get,
    requested_ticket_ids,
)
from reports.models import ExportJob, ExportStatus
from reports.services import export_job_update, export_job_writing
from tenancy.context import tenant_context
from tenancy.models import AuditAction, Membership, Tenant
from tickets.models import Attachment, Message, Ticket
from tickets.selectors.misc import agent_only_field_keys

RUN_PRIVACY_EXPORT = task_name("privacy.tasks.run_export")
# An archive of personal data should not lie around: three days to download it.
ARCHIVE_TTL = dt.timedelta(days=3)
TICKET_CHUNK = 250
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
README = """This archive holds the personal data {tenant} keeps about one person, as of {when}.

person.json       profile and membership
tickets.json      the requests they made, each with its public messages{internal}
messages_elsewhere.json  messages they wrote on other people's requests
followed.json     numbers of the requests they are copied on
csat.json         their satisfaction ratings and comments
audit.json        security log entries about them (sign-ins, tokens, privacy actions)
attachments/      the files of those messages and every file they uploaded
attachments.json  which file belongs to which request and message
"""


@transaction.atomic
def privacy_export_create(
    *,
    tenant: Tenant,
    actor: Membership,
    person: Membership,
    include_internal_notes: bool = False,
    request: HttpRequest | None = None,
) -> ExportJob:
    """Queue the archive of `person` (a membership of `tenant`, read by the caller)."""
    job = ExportJob.objects.create(
        tenant=tenant,
        requested_by=actor,
        kind=PRIVACY_EXPORT_KIND,
        params={"membership_id": person.id, "include_internal_notes": bool(include_internal_notes)},
    )
    audit_record(
        tenant_id=tenant.id,
        action=AuditAction.PRIVACY_EXPORT,
        actor_id=actor.user_id,
        request=request,
        detail={"membership_id": person.id, "job_id": job.id, "internal_notes": bool(include_internal_notes)},
    )
    enqueue_on_commit(RUN_PRIVACY_EXPORT, tenant_id=tenant.id, job_id=job.id)
    return job


def _dumps(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _name(member: Membership | None) -> str | None:
    if member is None:
        return None
    return member.user.full_name or member.user.email


def _message(message: Message, person: Membership) -> dict[str, Any]:
    return {
        "id": message.id,
        "ticket_id": message.ticket_id,
        "written_by_you": message.author_id == person.id,
        "author": _name(message.author),
        "internal_note": message.is_internal,
        "channel": message.channel,
        "created_at": message.created_at,
        "text": message.body_text,
        "html": message.body_html,
    }


def _ticket(ticket: Ticket, hidden: set[str], messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status_key,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "assignee": _name(ticket.assignee),
        "team": ticket.team.name if ticket.team else None,
        "custom_fields": {k: v for k, v in ticket.custom_fields.items() if k not in hidden},
        "created_at": ticket.created_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "derived_about_you": {"sentiment": ticket.ai_sentiment, "language": ticket.ai_language},
        "messages": messages,
    }


def _person(tenant: Tenant, person: Membership) -> dict[str, Any]:
    erasure = erasure_for(tenant=tenant, membership_id=person.id)
    return {
        "email": person.user.email,
        "full_name": person.user.full_name,
        "account_created_at": person.user.date_joined,
        "membership": {
            "id": person.id,
            "role": person.role,
            "organization": person.organization.name if person.organization else None,
            "joined_at": person.created_at,
            "deactivated_at": person.deactivated_at,
            "erased_at": erasure.erased_at if erasure else None,
        },
    }


def _write_tickets(
    out: IO[bytes],
    *,
    tenant: Tenant,
    person: Membership,
    ticket_ids: list[int],
    internal: bool,
    job: ExportJob,
) -> int:
    """tickets.json as a stream: a chunk of tickets and their messages per query pair."""
    hidden = set() if internal else agent_only_field_keys(tenant=tenant)
    out.write(b"[")
    written = 0
    for start in range(0, len(ticket_ids), TICKET_CHUNK):
        chunk = ticket_ids[start : start + TICKET_CHUNK]
        with tenant_context(tenant.id):
            by_ticket: dict[int, list[dict[str, Any]]] = {}
            for message in archive_messages(tenant=tenant, ticket_ids=chunk, internal=internal):
                by_ticket.setdefault(message.ticket_id, []).append(_message(message, person))
            rows = [
                _ticket(t, hidden, by_ticket.get(t.id, []))
                for t in archive_tickets(tenant=tenant, ticket_ids=chunk)
            ]
        for row in rows:
            out.write(b"," if written else b"")
            out.write(_dumps(row))
            written += 1
        export_job_update(tenant_id=tenant.id, job_id=job.id, rows_done=written)
    out.write(b"]")
    return written


def privacy_export_run(*, tenant_id: int, job_id: int) -> None:
    """Write the archive (idempotent: a finished job is left alone, a retried one rewrites its file)."""
    with tenant_context(tenant_id):
        job = ExportJob.objects.select_related("tenant").filter(id=job_id, kind=PRIVACY_EXPORT_KIND).first()
        if job is None or job.status == ExportStatus.DONE:
            return
        tenant = job.tenant
        person = person_get(tenant=tenant, membership_id=int(job.params["membership_id"]))
        if person is None:
            export_job_update(
                tenant_id=tenant_id, job_id=job_id, status=ExportStatus.FAILED, error="No such person."
            )
            return
        internal = bool(job.params.get("include_internal_notes"))
        mine = requested_ticket_ids(tenant=tenant, membership=person)
        elsewhere = authored_elsewhere_ticket_ids(tenant=tenant, membership=person)
        attachments = archive_attachments(
            tenant=tenant, membership=person, ticket_ids=mine, internal=internal
        )
    with export_job_writing(
        job=job, total=len(mine) + len(attachments), suffix=".zip", ttl=ARCHIVE_TTL
    ) as path:
        _write_archive(path, tenant=tenant, person=person, job=job, mine=mine, elsewhere=elsewhere,
                       attachments=attachments, internal=internal)  # fmt: skip


def _small_files(tenant: Tenant, person: Membership, elsewhere: list[int]) -> dict[str, Any]:
    """Every JSON file but tickets.json and attachments.json, read in one tenant transaction."""
    with tenant_context(tenant.id):
        written = archive_messages(tenant=tenant, ticket_ids=elsewhere, internal=False, only_author=person)
        return {
            "person.json": _person(tenant, person),
            "messages_elsewhere.json": [_message(m, person) for m in written],
            "followed.json": followed_ticket_numbers(tenant=tenant, membership=person),
            "csat.json": [
                {"ticket_number": s.ticket.number, "requested_at": s.requested_at, "rating": s.rating,
                 "comment": s.comment, "rated_at": s.rated_at}
                for s in archive_csat(tenant=tenant, membership=person)
            ],
            "audit.json": [
                {"action": e.action, "at": e.created_at, "ip_address": e.ip_address,
                 "user_agent": e.user_agent, "detail": e.detail}
                for e in archive_audit(tenant=tenant, membership=person)
            ],
        }  # fmt: skip


def _copy_attachment(archive: zipfile.ZipFile, attachment: Attachment) -> dict[str, Any]:
    """Copy one stored file into the archive; its entry in attachments.json."""
    safe = SAFE_NAME.sub("_", attachment.filename)[:120]
    member: str | None = f"attachments/{attachment.ticket.number}/{attachment.id}-{safe}"
    try:
        with (
            default_storage.open(str(attachment.file.name), "rb") as source,
            archive.open(str(member), "w") as target,
        ):
            while block := source.read(1 << 20):
                target.write(block)
    except FileNotFoundError:
        member = None  # still listed, so the person knows the file existed
    return {
        "file": member, "filename": attachment.filename, "ticket_number": attachment.ticket.number,
        "message_id": attachment.message_id, "content_type": attachment.content_type, "size": attachment.size,
        "uploaded_at": attachment.created_at,
    }  # fmt: skip


def _write_archive(
    path: Path,
    *,
    tenant: Tenant,
    person: Membership,
    job: ExportJob,
    mine: list[int],
    elsewhere: list[int],
    attachments: list[Attachment],
    internal: bool,
) -> None:
    readme = README.format(
        tenant=tenant.name,
        when=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        internal=" and internal notes" if internal else "",
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, content in _small_files(tenant, person, elsewhere).items():
            archive.writestr(name, _dumps(content))
        with archive.open("tickets.json", "w") as out:
            done = _write_tickets(
                out, tenant=tenant, person=person, ticket_ids=mine, internal=internal, job=job
            )
        index = []
        for attachment in attachments:
            index.append(_copy_attachment(archive, attachment))
            done += 1
            if done % 50 == 0:
                export_job_update(tenant_id=tenant.id, job_id=job.id, rows_done=done)
        archive.writestr("attachments.json", _dumps(index))
    export_job_update(tenant_id=tenant.id, job_id=job.id, rows_done=done)
