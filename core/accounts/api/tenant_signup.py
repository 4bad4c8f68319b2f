"""Self-serve desk sign-up on the platform host (no tenant): request, then confirm by email.

POST /api/v1/platform/signup          company, address, owner -> 202, mail with a link
GET  /api/v1/platform/signup/confirm  the link: activates the desk, redirects to its login
POST /api/v1/platform/signup/confirm  the same for API clients -> 201 with the desk's URL
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from accounts.api.selfservice import EMAIL_PATTERN, limit_per_client_address
from accounts.services.tenant_signup import (
    SignupClosedError,
    tenant_signup_confirm,
    tenant_signup_mode,
    tenant_signup_request,
)
from tenancy.selectors import tenant_base_url

router = Router(tags=["platform"])


class TenantSignupIn(Schema):
    company_name: str = Field(min_length=1, max_length=200)
    slug: str = Field(min_length=3, max_length=63, description="The desk's address: <slug>.<base domain>.")
    email: str = Field(min_length=3, max_length=254, pattern=EMAIL_PATTERN)
    password: str = Field(min_length=1, max_length=200)
    full_name: str = Field(default="", max_length=150)
    invite_code: str = Field(default="", max_length=200, description="Needed when the server is invite-only.")


class TenantSignupOut(Schema):
    detail: str
    slug: str


class ConfirmIn(Schema):
    token: str = Field(min_length=1, max_length=500)


class ConfirmOut(Schema):
    slug: str
    login_url: str


class PlatformInfoOut(Schema):
    tenant_signup: str = Field(description="off, invite or open")


def _platform_only(request: HttpRequest) -> None:
    if getattr(request, "tenant", None) is not None:
        raise HttpError(404, "Not Found")


@router.get("/platform", auth=None, response=PlatformInfoOut)
def platform_info(request: HttpRequest) -> PlatformInfoOut:
    """What the platform host offers: whether new desks can be signed up for."""
    _platform_only(request)
    return PlatformInfoOut(tenant_signup=tenant_signup_mode())


@router.post("/platform/signup", auth=None, response={202: TenantSignupOut})
def tenant_signup(request: HttpRequest, payload: TenantSignupIn) -> Status[TenantSignupOut]:
    """Ask for a new desk; its owner gets a confirmation link by email. The answer is the same
    whether or not the email already has an account (403 when sign-up is off or the invite
    code is wrong, 422 for a taken or invalid address or a weak password, 429 over the limit)."""
    _platform_only(request)
    limit_per_client_address(
        request, scope="tenant-signup", per_hour=settings.TENANT_SIGNUP_MAX_PER_IP_PER_HOUR
    )
    try:
        requested = tenant_signup_request(
            company_name=payload.company_name,
            slug=payload.slug,
            email=payload.email,
            password=payload.password,
            full_name=payload.full_name,
            invite_code=payload.invite_code,
        )
    except SignupClosedError as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(
        202,
        TenantSignupOut(
            detail=f"Check {requested.email} for a link to confirm the desk.", slug=requested.slug
        ),
    )


@router.post("/platform/signup/confirm", auth=None, response={201: ConfirmOut})
def tenant_signup_confirm_api(request: HttpRequest, payload: ConfirmIn) -> Status[ConfirmOut]:
    """Confirm with the link's token: the desk goes live and its owner can sign in (422 when
    the link is invalid, expired or used)."""
    _platform_only(request)
    membership = tenant_signup_confirm(token=payload.token, request=request)
    base = tenant_base_url(membership.tenant)
    return Status(201, ConfirmOut(slug=membership.tenant.slug, login_url=f"{base}/login"))


@router.get("/platform/signup/confirm", auth=None, include_in_schema=False)
def tenant_signup_confirm_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail: confirm, then send the browser to the new desk's sign-in page.
    A GET with a side effect, but one-shot and token-bound, as mail links must be."""
    _platform_only(request)
    membership = tenant_signup_confirm(token=token, request=request)
    return HttpResponseRedirect(f"{tenant_base_url(membership.tenant)}/login?welcome=1")
