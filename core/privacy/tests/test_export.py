"""Data-access archive: a real Celery worker writes the zip with progress; it holds the person's
profile, tickets, public messages, files, ratings and audit rows (internal notes only when asked);
another tenant gets 404 for the person, the job and the file; an expired archive answers 410."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from config.celery import app as celery_app
from privacy.services import privacy_export_create, privacy_export_run
from privacy.tests.helpers import NOTE, PNG, customer_history
from reports.models import ExportJob
from reports.services import export_jobs_expire
from reports.services.exports import export_dir
from tenancy.context import tenant_context
from testing.factories import make_world, session_client
from testing.isolation import TwoTenants, assert_other_tenant_gets_404
from testing.workers import kill_group, start_worker, wait_until, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def _job(world: Any, job_id: int) -> ExportJob:
    with tenant_context(world.tenant.id):
        return ExportJob.objects.get(id=job_id)


def _archive(response: Any) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_archive_is_built_by_a_worker_with_progress_and_stays_in_its_tenant(
    settings: Any, tmp_path: Any
) -> None:
    media = tmp_path / "media"
    worlds = TwoTenants(a=make_world("exportme"), b=make_world("otherexp"))
    world = worlds.a
    celery_app.control.purge()
    with override_settings(MEDIA_ROOT=media):
        history = customer_history(world)
        customer_history(worlds.b, name="Bob Other")
        admin = session_client(world.admin)
        path = f"/api/v1/privacy/people/{world.customer.id}/export"
        assert session_client(world.agent).post(path, {}, content_type="application/json").status_code == 403
        assert (
            session_client(worlds.b.admin).post(path, {}, content_type="application/json").status_code == 404
        )
        res = admin.post(path, {}, content_type="application/json")
        assert res.status_code == 202, res.content
        job_id = res.json()["id"]
        assert res.json()["status"] == "queued" and res.json()["download_url"] is None
        worker = start_worker(
            worker_env(settings.REDIS_URL, FRONTLINE_MEDIA_DIR=str(media)), log=tmp_path / "w.log"
        )
        try:
            assert wait_until(lambda: _job(world, job_id).status == "done", timeout=90), (
                tmp_path / "w.log"
            ).read_text()[-3000:]
        finally:
            kill_group(worker, sig=15)
        body = admin.get(f"/api/v1/privacy/exports/{job_id}").json()
        assert body["progress"] == 100 and body["rows_total"] == body["rows_done"] == 3  # 2 tickets + 1 file
        assert body["expires_at"] is not None
        download = admin.get(body["download_url"])
        assert download.status_code == 200 and download["Content-Type"] == "application/zip"
        archive = _archive(download)
        person = json.loads(archive.read("person.json"))
        assert person["email"] == "customer@exportme.test" and person["full_name"] == "Carol Customer"
        tickets = json.loads(archive.read("tickets.json"))
        assert sorted(t["subject"] for t in tickets) == ["My invoice 4711 for Carol", "Password reset"]
        texts = [m["text"] for t in tickets for m in t["messages"]]
        assert "Thanks! My phone is 555-0100." in texts and NOTE not in texts  # no internal notes
        files = json.loads(archive.read("attachments.json"))
        assert len(files) == 1 and archive.read(files[0]["file"]) == PNG
        csat = json.loads(archive.read("csat.json"))
        assert csat == [
            {
                **csat[0],
                "rating": 4,
                "comment": "Carol says: quick, thanks",
                "ticket_number": history.tickets[0].number,
            }
        ]
        audit = json.loads(archive.read("audit.json"))
        assert [a["action"] for a in audit] == ["privacy.export"]  # the request itself is about them
        assert b"Bob Other" not in b"".join(archive.read(n) for n in archive.namelist())

        # another tenant: 404 for the job and its file
        assert_other_tenant_gets_404(worlds, "get", f"/api/v1/privacy/exports/{job_id}")
        assert_other_tenant_gets_404(worlds, "get", f"/api/v1/privacy/exports/{job_id}/download")
        # a reports export id is not a privacy archive, nor the reverse
        assert admin.get(f"/api/v1/reports/exports/{job_id}").status_code == 404

        # expired: 410 with what to do; the sweep deletes the file
        with tenant_context(world.tenant.id):
            ExportJob.objects.filter(id=job_id).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
        gone = admin.get(f"/api/v1/privacy/exports/{job_id}/download")
        assert gone.status_code == 410 and "start a new export" in gone.json()["detail"]
        assert admin.get(f"/api/v1/privacy/exports/{job_id}").json()["download_url"] is None
        assert export_jobs_expire(tenant_id=world.tenant.id) == 1
        assert not any(export_dir(world.tenant.id).iterdir())
        assert admin.get(f"/api/v1/privacy/exports/{job_id}/download").status_code == 410


def test_internal_notes_only_when_the_admin_asks(settings: Any, tmp_path: Any) -> None:
    world = make_world("notesco")
    with override_settings(MEDIA_ROOT=tmp_path):
        customer_history(world)
        with tenant_context(world.tenant.id):
            job = privacy_export_create(
                tenant=world.tenant, actor=world.admin, person=world.customer, include_internal_notes=True
            )
        privacy_export_run(tenant_id=world.tenant.id, job_id=job.id)
        download = session_client(world.admin).get(f"/api/v1/privacy/exports/{job.id}/download")
        tickets = json.loads(_archive(download).read("tickets.json"))
        notes = [m for t in tickets for m in t["messages"] if m["internal_note"]]
        assert [m["text"] for m in notes] == [NOTE]
