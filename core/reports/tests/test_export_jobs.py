"""Background CSV export: a real Celery worker writes the file with progress; only the requester
(or an admin) of the same tenant sees the job and downloads it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import override_settings

from config.celery import app as celery_app
from reports.models import ExportJob
from tenancy.context import tenant_context
from tenancy.models import Role
from testing.factories import make_member, make_world, session_client
from testing.isolation import TwoTenants, assert_other_tenant_gets_404
from testing.workers import kill_group, start_worker, wait_until, worker_env
from tickets.services.tickets import ticket_create

pytestmark = pytest.mark.django_db(transaction=True)


def _job(world: Any, job_id: int) -> ExportJob:
    with tenant_context(world.tenant.id):
        return ExportJob.objects.get(id=job_id)


def test_export_job_runs_on_a_worker_with_progress_and_is_private(settings: Any, tmp_path: Any) -> None:
    media = tmp_path / "media"
    worlds = TwoTenants(a=make_world("exportco"), b=make_world("otherco"))
    world = worlds.a
    for w, n in ((world, 7), (worlds.b, 4)):
        with tenant_context(w.tenant.id):
            for i in range(n):
                ticket_create(
                    tenant=w.tenant, actor=w.members[Role.AGENT], requester_id=w.members[Role.CUSTOMER].id,
                    subject=f'=HYPERLINK("x") {i}', body_text="hi", priority="high" if i % 2 else "low",
                )  # fmt: skip
    celery_app.control.purge()
    with override_settings(MEDIA_ROOT=media):
        admin = session_client(world.admin)
        # bad filters fail now, not in the worker
        bad = admin.post(
            "/api/v1/reports/exports", {"params": {"assignee": "xyz"}}, content_type="application/json"
        )
        assert bad.status_code == 422, bad.content
        res = admin.post(
            "/api/v1/reports/exports", {"params": {"priority": ["high"]}}, content_type="application/json"
        )
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
        body = admin.get(f"/api/v1/reports/exports/{job_id}").json()
        assert body["progress"] == 100 and body["rows_total"] == body["rows_done"] == 3
        download = admin.get(body["download_url"])
        assert download.status_code == 200
        rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
        assert len(rows) == 1 + 3 and all(r[1].startswith("'=HYPERLINK") for r in rows[1:])
        # another tenant: 404 for the job and its file
        assert_other_tenant_gets_404(worlds, "get", f"/api/v1/reports/exports/{job_id}")
        assert_other_tenant_gets_404(worlds, "get", f"/api/v1/reports/exports/{job_id}/download")
        # an agent allowed to read reports still does not see an admin's export
        world.tenant.settings = {"reports_agents": True}
        world.tenant.save()
        other_agent = session_client(make_member(world.tenant, Role.AGENT))
        assert other_agent.get(f"/api/v1/reports/exports/{job_id}").status_code == 404
        assert (
            session_client(world.members[Role.CUSTOMER]).get(f"/api/v1/reports/exports/{job_id}").status_code
            == 403
        )
