"""Self-serve desk sign-up: a new company and its owner, confirmed by email before it is served.

The request creates the tenant as `pending` (not served, see `tenancy.selectors`) with the
owner's name, email and password hash in its settings, and records an event whose mail
carries a signed link. Confirming the link makes the owner (a new user, or the existing
account of that email, who signs in with their own password) and activates the desk, in one
transaction. The answer to a request never says whether the email already has an account.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_by_email
from accounts.services.members import membership_set
from accounts.services.selfservice import AccountMail
from accounts.services.users import audit_record
from events.services import event_record
from tenancy.context import tenant_context
from tenancy.models import AuditAction, Membership, Role, Tenant
from tenancy.selectors import platform_base_url, tenant_base_url, tenant_pending_by_id

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")
# Host names a desk may not take: the platform's own, and ones that invite phishing.
RESERVED_SLUGS = frozenset(
    {
        *("admin", "api", "app", "assets", "auth", "billing", "cdn", "docs", "help", "login", "mail"),
        *("platform", "portal", "root", "security", "signup", "smtp", "static", "status", "support"),
        *("system", "www"),
    }
)
TOKEN_SALT = "frontline.tenant-signup"


class SignupClosedError(PermissionError):
    """Self-serve sign-up is off, or needs an invite code that was not given."""


@dataclass(frozen=True)
class SignupRequested:
    slug: str
    email: str


def tenant_signup_mode() -> str:
    """`open`, `invite` or `off`: FRONTLINE_TENANT_SIGNUP, anything unknown counting as off."""
    return settings.TENANT_SIGNUP if settings.TENANT_SIGNUP in ("open", "invite") else "off"


def _check_open(invite_code: str) -> None:
    mode = tenant_signup_mode()
    if mode == "open":
        return
    if mode == "invite":
        if any(hmac.compare_digest(invite_code, code) for code in settings.TENANT_SIGNUP_INVITE_CODES):
            return
        raise SignupClosedError("Creating a desk here needs an invite code from the operator.")
    raise SignupClosedError("This server does not take sign-ups; ask its operator to create your desk.")


def _clean_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise ValidationError(
            {"slug": "Use 3 to 63 lower-case letters, digits and inner hyphens, e.g. acme-support."}
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"{slug!r} is reserved; choose another address."})
    return slug


def _expired(tenant: Tenant) -> bool:
    requested = (tenant.settings or {}).get("signup", {}).get("requested_at")
    if not requested:
        return True
    age = timezone.now() - datetime.fromisoformat(requested)
    return age.total_seconds() > settings.TENANT_SIGNUP_CONFIRM_SECONDS


def tenant_signup_request(
    *,
    company_name: str,
    slug: str,
    email: str,
    password: str,
    full_name: str = "",
    invite_code: str = "",
) -> SignupRequested:
    """Hold `slug` for the new desk and queue the confirmation mail. An unconfirmed sign-up
    whose time ran out gives its address up to the next request."""
    _check_open(invite_code)
    slug = _clean_slug(slug)
    name = company_name.strip()
    if not name:
        raise ValidationError({"company_name": "Give your company's or team's name."})
    email = email.strip().lower()
    validate_password(password, User(email=email, full_name=full_name))
    requested_at = timezone.now().isoformat()
    signup = {
        "email": email,
        "full_name": full_name.strip(),
        "password_hash": make_password(password),
        "requested_at": requested_at,
    }
    try:
        with transaction.atomic():
            tenant = Tenant.objects.select_for_update().filter(slug=slug).first()
            if tenant is not None and not (tenant.status == Tenant.Status.PENDING and _expired(tenant)):
                raise ValidationError({"slug": "This address is taken; choose another."})
            if tenant is None:
                tenant = Tenant(
                    slug=slug, name=name, status=Tenant.Status.PENDING, settings={"signup": signup}
                )
                tenant.full_clean()
                tenant.save()
            else:  # reclaim an expired sign-up: its old link no longer matches `requested_at`
                tenant.name, tenant.settings = name, {"signup": signup}
                tenant.save(update_fields=["name", "settings"])
            with tenant_context(tenant.id):
                event_record(
                    tenant_id=tenant.id,
                    type="tenant.signup_requested",
                    subject_id=tenant.id,
                    data={"tenant_id": tenant.id},
                )
    except IntegrityError as exc:  # two requests for one free address at once
        raise ValidationError({"slug": "This address is taken; choose another."}) from exc
    return SignupRequested(slug=slug, email=email)


def _token(tenant: Tenant) -> str:
    return signing.dumps({"t": tenant.id, "at": tenant.settings["signup"]["requested_at"]}, salt=TOKEN_SALT)


def tenant_signup_mail(*, tenant_id: int) -> AccountMail | None:
    """The confirmation mail of a pending sign-up (None once confirmed or gone). Someone who
    already has an account is told to sign in with their existing password afterwards."""
    tenant = tenant_pending_by_id(tenant_id=tenant_id)
    if tenant is None or "signup" not in (tenant.settings or {}):
        return None
    signup = tenant.settings["signup"]
    existing = user_by_email(email=signup["email"])
    link = f"{platform_base_url()}/api/v1/platform/signup/confirm?token={_token(tenant)}"
    hours = settings.TENANT_SIGNUP_CONFIRM_SECONDS // 3600
    with translation.override(existing.mail_language if existing else settings.LANGUAGE_CODE):
        then = (
            _("You already have a Frontline account: afterwards, sign in with your existing password.")
            if existing is not None
            else _("Afterwards, sign in with the password you chose.")
        )
        return AccountMail(
            to_address=signup["email"],
            subject=_("Confirm your new help desk %(name)s") % {"name": tenant.name},
            body_text=_(
                "Someone asked to create the help desk %(name)s at %(url)s with this email as its owner."
            )
            % {"name": tenant.name, "url": tenant_base_url(tenant)}
            + "\n\n"
            + _("Confirm it within %(hours)d hours here:") % {"hours": hours}
            + f"\n{link}\n\n{then}\n\n"
            + _("If it was not you, ignore this email; nothing is created."),
        )


def tenant_signup_confirm(*, token: str, request: HttpRequest | None = None) -> Membership:
    """Create the owner and activate the desk the link names; the link then stops working."""
    invalid = ValidationError({"token": "This link is invalid or has expired; sign up again."})
    try:
        claims = signing.loads(token, salt=TOKEN_SALT, max_age=settings.TENANT_SIGNUP_CONFIRM_SECONDS)
    except signing.BadSignature as exc:
        raise invalid from exc
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().filter(id=claims.get("t")).first()
        if tenant is None:
            raise invalid
        signup = (tenant.settings or {}).get("signup") or {}
        if tenant.status != Tenant.Status.PENDING or signup.get("requested_at") != claims.get("at"):
            raise ValidationError({"token": "This desk is already confirmed: sign in on its page."})
        owner = user_by_email(email=signup["email"])
        if owner is None:
            owner = User.objects.create(
                email=signup["email"], full_name=signup.get("full_name", ""), password=signup["password_hash"]
            )
        if not owner.email_verified:  # the link proved they read this mailbox
            owner.email_verified = True
            owner.save(update_fields=["email_verified"])
        tenant.status = Tenant.Status.ACTIVE
        tenant.settings = {}
        tenant.save(update_fields=["status", "settings"])
        with tenant_context(tenant.id):
            membership = membership_set(tenant=tenant, user=owner, role=Role.OWNER)
        audit_record(
            tenant_id=tenant.id,
            action=AuditAction.TENANT_SIGNED_UP,
            actor_id=owner.pk,
            request=request,
            detail={"slug": tenant.slug},
        )
    return membership
