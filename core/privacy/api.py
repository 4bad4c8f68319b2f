"""REST API of privacy, for admins: find a person, export their data, erase them; the retention rule.

Another tenant's person or archive answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from api_kit.auth import admin_only, request_tenant, require_membership
from privacy import selectors
from privacy.models import Erasure, RetentionPolicy
from privacy.schemas import (
    ErasureOut,
    PrivacyExportIn,
    PrivacyPersonOut,
    RetentionIn,
    RetentionOut,
    RetentionPreviewOut,
)
from privacy.services import (
    ErasureRefusedError,
    person_erase,
    privacy_export_create,
    retention_days_check,
    retention_policy_set,
)
from reports.downloads import ExportOut, export_file_response, export_job_out
from reports.models import ExportJob
from tenancy.models import ADMIN_ROLES, Membership, Tenant

router = Router(tags=["privacy"], auth=admin_only)


def _admin(request: HttpRequest) -> tuple[Tenant, Membership]:
    return request_tenant(request), require_membership(request, ADMIN_ROLES)


def _person(tenant: Tenant, membership_id: int) -> Membership:
    person = selectors.person_get(tenant=tenant, membership_id=membership_id)
    if person is None:
        raise HttpError(404, "Not Found")
    return person


def _job_out(job: ExportJob) -> dict[str, Any]:
    return export_job_out(job, download_url=f"/api/v1/privacy/exports/{job.id}/download")


@router.get("/privacy/people", response=list[PrivacyPersonOut])
def people(request: HttpRequest, q: str = "") -> list[PrivacyPersonOut]:
    """Members whose email or name contains `q` (customers first, at most 50)."""
    tenant, _ = _admin(request)
    found = selectors.people_search(tenant=tenant, q=q[:200])
    erased = selectors.erased_membership_ids(tenant=tenant, membership_ids=[m.id for m in found])
    return [
        PrivacyPersonOut(id=m.id, name=m.user.full_name, email=m.user.email, role=m.role, active=m.is_active,
                  erased=m.id in erased)
        for m in found
    ]  # fmt: skip


@router.post("/privacy/people/{membership_id}/export", response={202: ExportOut})
def export_create(request: HttpRequest, membership_id: int, body: PrivacyExportIn) -> Status:
    """Build the person's data-access archive (a zip of JSON files and attachments) in the
    background; poll the job for its progress, then download it within three days."""
    tenant, actor = _admin(request)
    person = _person(tenant, membership_id)
    job = privacy_export_create(
        tenant=tenant, actor=actor, person=person, include_internal_notes=body.include_internal_notes,
        request=request,
    )  # fmt: skip
    return Status(202, _job_out(job))


@router.get("/privacy/exports/{job_id}", response=ExportOut)
def export_status(request: HttpRequest, job_id: int) -> dict[str, Any]:
    tenant, _ = _admin(request)
    job = selectors.privacy_export_get(tenant=tenant, job_id=job_id)
    if job is None:
        raise HttpError(404, "Not Found")
    return _job_out(job)


@router.get("/privacy/exports/{job_id}/download")
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    """The archive; 410 Gone once it expired (its file is deleted)."""
    tenant, _ = _admin(request)
    job = selectors.privacy_export_get(tenant=tenant, job_id=job_id)
    return export_file_response(job, filename=f"personal-data-{job_id}.zip", content_type="application/zip")


def _erasure_out(erasure: Erasure, *, already: bool) -> ErasureOut:
    return ErasureOut(
        membership_id=erasure.membership_id,
        erased_at=erasure.erased_at,
        erased_by_membership_id=erasure.erased_by_id,
        already_erased=already,
        counts=erasure.counts,
    )


@router.post("/privacy/people/{membership_id}/erase", response=ErasureOut)
def erase(request: HttpRequest, membership_id: int) -> ErasureOut:
    """Anonymise the person in place, in one transaction (what goes and what stays:
    the privacy page of the user guide). Erasing again answers the first erasure.
    409 when they cannot be erased as they are (an owner, yourself, a staff member who is
    still the assignee of tickets that are not closed); the message says what to do first."""
    tenant, actor = _admin(request)
    person = _person(tenant, membership_id)
    try:
        result = person_erase(tenant=tenant, actor=actor, person=person, request=request)
    except ErasureRefusedError as exc:
        raise HttpError(409, str(exc)) from exc
    return _erasure_out(result.erasure, already=result.already)


@router.get("/privacy/people/{membership_id}/erasure", response=ErasureOut)
def erasure_get(request: HttpRequest, membership_id: int) -> ErasureOut:
    """The record of the person's erasure; 404 while they are not erased."""
    tenant, _ = _admin(request)
    erasure = selectors.erasure_for(tenant=tenant, membership_id=_person(tenant, membership_id).id)
    if erasure is None:
        raise HttpError(404, "Not Found")
    return _erasure_out(erasure, already=True)


def _retention_out(tenant: Tenant, policy: RetentionPolicy) -> RetentionOut:
    return RetentionOut(
        enabled=policy.enabled,
        days=policy.days,
        due_now=selectors.retention_candidates(tenant=tenant, days=policy.days).count(),
        last_run_at=policy.last_run_at,
        last_purged=policy.last_purged,
    )


@router.get("/privacy/retention", response=RetentionOut)
def retention_get(request: HttpRequest) -> RetentionOut:
    """The retention rule and `due_now`: how many tickets its next run would purge."""
    tenant, _ = _admin(request)
    return _retention_out(tenant, selectors.retention_policy_get(tenant=tenant))


@router.get("/privacy/retention/preview", response=RetentionPreviewOut)
def retention_preview(request: HttpRequest, days: int) -> RetentionPreviewOut:
    """Dry run: how many tickets a rule of `days` would purge now (nothing is changed)."""
    tenant, _ = _admin(request)
    try:
        retention_days_check(days)
    except ValidationError as exc:
        raise HttpError(422, "; ".join(exc.messages)) from exc
    return RetentionPreviewOut(
        days=days, due_now=selectors.retention_candidates(tenant=tenant, days=days).count()
    )


@router.put("/privacy/retention", response=RetentionOut)
def retention_put(request: HttpRequest, body: RetentionIn) -> RetentionOut:
    """Set the rule. Once enabled, the hourly sweep closes and purges tickets solved or closed
    more than `days` ago; check `GET /privacy/retention/preview?days=` first."""
    tenant, actor = _admin(request)
    policy = retention_policy_set(
        tenant=tenant, actor=actor, enabled=body.enabled, days=body.days, request=request
    )
    return _retention_out(tenant, policy)
