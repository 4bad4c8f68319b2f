"""The API side of export jobs, shared by every kind: the job's shape (progress, download link,
expiry) and the download of its file (404 while it is not there, 410 Gone once it expired)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse
from ninja import Schema
from ninja.errors import HttpError

from reports.models import ExportJob, ExportStatus
from reports.services.exports import export_dir


class ExportOut(Schema):
    id: int
    kind: str
    status: str
    progress: int
    rows_total: int
    rows_done: int
    error: str
    download_url: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None


def export_job_out(job: ExportJob, *, download_url: str) -> dict[str, Any]:
    """The job as `ExportOut`; `download_url` is shown only while the file can be downloaded."""
    ready = job.status == ExportStatus.DONE and not job.expired
    return {
        "id": job.id, "kind": job.kind, "status": job.status, "progress": job.progress,
        "rows_total": job.rows_total, "rows_done": job.rows_done, "error": job.error,
        "download_url": download_url if ready else None,
        "created_at": job.created_at, "finished_at": job.finished_at, "expires_at": job.expires_at,
    }  # fmt: skip


def export_file_response(job: ExportJob | None, *, filename: str, content_type: str) -> FileResponse:
    """The job's file as an attachment. `job` is what the caller's selector found (None: 404)."""
    if job is None or job.status != ExportStatus.DONE:
        raise HttpError(404, "Not Found")
    if job.expired:
        raise HttpError(410, "This download has expired and its file was deleted; start a new export.")
    path = export_dir(job.tenant_id) / job.file_name if job.file_name else None
    if path is None or not path.is_file():
        raise HttpError(404, "Not Found")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
