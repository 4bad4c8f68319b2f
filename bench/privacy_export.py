# ruff: noqa: E501
"""Benchmark: the data-access archive of one customer with many tickets (issue target: 1,000 in 30 s).

Run with the environment of `make test` (a scratch database is created and dropped):
    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/privacy_export.py [--tickets 1000] [--runs 3]
Files `--tickets` tickets for one customer through `ticket_create` (the real write path), adds an
agent reply, a customer answer and an internal note to each (bulk insert), and `--files` stored
attachments; then times `privacy_export_run`, the function the Celery worker runs for an
archive, end to end (reads, JSON, zip, file copies, progress updates), `--runs` times.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "core"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FRONTLINE_ENV", "test")
os.environ.setdefault("FRONTLINE_TEST_DB", "frontline_bench_privacy")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from privacy.services import privacy_export_create, privacy_export_run  # noqa: E402
from reports.models import ExportJob  # noqa: E402
from reports.services.exports import export_dir  # noqa: E402
from tenancy.context import tenant_context  # noqa: E402
from tenancy.models import Role  # noqa: E402
from testing.database import test_database  # noqa: E402
from testing.factories import make_member, make_tenant  # noqa: E402
from tickets.models import Attachment, Message  # noqa: E402
from tickets.services.attachments import attachment_upload  # noqa: E402
from tickets.services.tickets import ticket_create  # noqa: E402

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 20_000


def fill(tickets: int, files: int):
    tenant = make_tenant("benchprivacy")
    customer, agent, admin = (make_member(tenant, role) for role in (Role.CUSTOMER, Role.AGENT, Role.ADMIN))
    started = time.perf_counter()
    with tenant_context(tenant.id):
        made = [
            ticket_create(
                tenant=tenant, actor=customer, subject=f"Request {n}: the printer is on fire again",
                body_text="It is on fire. " * 20,
            ).ticket
            for n in range(tickets)
        ]  # fmt: skip
        Message.objects.bulk_create(
            [
                Message(tenant=tenant, ticket=t, author=author, is_internal=internal, body_text=text,
                        body_html=f"<p>{text}</p>")
                for t in made
                for author, internal, text in (
                    (agent, False, "Hi, we are on it. " * 10),
                    (customer, False, "Thanks, still burning. " * 10),
                    (agent, True, "Note: check the fuser. " * 5),
                )
            ],
            batch_size=2000,
        )  # fmt: skip
        for n in range(files):
            stored = attachment_upload(
                tenant=tenant, ticket=made[n], uploader=customer, upload=io.BytesIO(PNG), filename=f"shot{n}.png",
                size=len(PNG),
            )  # fmt: skip
            Attachment.objects.filter(id=stored.id).update(
                message=Message.objects.filter(ticket=made[n], author=customer).first()
            )
    print(
        f"filled {tickets} tickets, {tickets * 4} messages, {files} files in {time.perf_counter() - started:.1f} s"
    )
    return tenant, customer, admin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as media, test_database():
        settings.MEDIA_ROOT = media
        tenant, customer, admin = fill(args.tickets, args.files)
        times = []
        for _ in range(args.runs):
            with tenant_context(tenant.id):
                job = privacy_export_create(tenant=tenant, actor=admin, person=customer)
            started = time.perf_counter()
            privacy_export_run(tenant_id=tenant.id, job_id=job.id)
            times.append(time.perf_counter() - started)
            with tenant_context(tenant.id):
                job = ExportJob.objects.get(id=job.id)
            path = export_dir(tenant.id) / job.file_name
            with zipfile.ZipFile(path) as archive:
                entries = len(archive.namelist())
            print(
                f"  run: {times[-1]:.2f} s, status {job.status}, {path.stat().st_size / 1e6:.1f} MB, {entries} entries"
            )
        print(
            f"privacy export of a customer with {args.tickets} tickets: median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s over {args.runs} runs (target <= 30 s)"
        )


if __name__ == "__main__":
    main()
