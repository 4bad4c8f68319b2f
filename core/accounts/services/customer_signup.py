"""Customer sign-up on a tenant's portal, confirmed by email before the account exists.

The request (name and email, no password) answers the same whether or not the email already
has an account, so nobody learns who is a customer where; it records an event whose mail is
a one-time link or, for someone who is already a member here, a reminder to sign in. The
password is chosen on the link's page, so an address cannot be pre-registered with a
password its owner does not know (account pre-hijacking). The pending sign-up (address,
name, the link's secret) waits in the cache for SIGNUP_CONFIRM_SECONDS; the event carries
only its id, so webhook receivers of the event cannot confirm it. The link creates the
account with the password chosen there, or adds this tenant to the existing account of that
email (its password unchanged), and signs in.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.selectors import membership_for_user, user_by_email
from accounts.services.members import membership_set
from accounts.services.selfservice import AccountMail, throttle_hit
from accounts.services.users import user_create
from events.services import event_record
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, Tenant
from tenancy.selectors import signup_allowed, tenant_base_url

TOKEN_SALT = "frontline.customer-signup"


@dataclass(frozen=True)
class SignupRequested:
    email: str


def _pending_key(tenant_id: int, signup_id: str) -> str:
    return f"signup:pending:{tenant_id}:{signup_id}"


def customer_signup_request(*, tenant: Tenant, email: str, full_name: str) -> SignupRequested:
    """Queue the sign-up mail for `email` on `tenant` (403 when the tenant takes no sign-ups).
    At most PASSWORD_RESET_MAX_PER_HOUR mails per address and tenant an hour, silently."""
    if not signup_allowed(tenant):
        raise PermissionError("This help center does not take sign-ups; ask the support team for an account.")
    email = email.strip().lower()
    existing = user_by_email(email=email)
    member = existing is not None and membership_for_user(tenant=tenant, user=existing) is not None
    if throttle_hit(
        scope="signup-mail",
        key=f"{tenant.id}:{email}",
        limit=settings.PASSWORD_RESET_MAX_PER_HOUR,
        window_seconds=3600,
    ):
        return SignupRequested(email=email)
    signup_id = secrets.token_urlsafe(12)
    pending: dict[str, Any] = {"email": email, "member": True}
    if not member:
        pending = {"email": email, "full_name": full_name.strip(), "secret": secrets.token_urlsafe(24)}
    cache.set(_pending_key(tenant.id, signup_id), pending, timeout=settings.SIGNUP_CONFIRM_SECONDS)
    with tenant_context(tenant.id), transaction.atomic():
        event_record(
            tenant_id=tenant.id,
            type="member.signup_requested",
            subject_id=None,
            data={"signup_id": signup_id},
        )
    return SignupRequested(email=email)


def _confirm_link(tenant: Tenant, signup_id: str, pending: dict[str, Any], *, join: bool) -> str:
    """The portal page of the link: `join` (an existing account: one button) or `confirm`
    (a new account: choose the password)."""
    token = signing.dumps({"s": signup_id, "k": pending["secret"]}, salt=f"{TOKEN_SALT}:{tenant.id}")
    return f"{tenant_base_url(tenant)}/signup/{'join' if join else 'confirm'}?token={token}"


def customer_signup_mail(*, tenant: Tenant, signup_id: str) -> AccountMail | None:
    """The mail of one sign-up request: a confirmation link, or (already a member) a reminder to
    sign in. None when the pending sign-up is gone (expired, or the cache lost it)."""
    base = tenant_base_url(tenant)
    pending = cache.get(_pending_key(tenant.id, signup_id))
    if pending is None:
        return None
    to_address = pending["email"]
    existing = user_by_email(email=to_address)
    names = {"tenant": tenant.name}
    with translation.override(existing.mail_language if existing else settings.LANGUAGE_CODE):
        if pending.get("member"):
            body = (
                _("Someone asked for an account at %(tenant)s with this email, but you have one.") % names
                + "\n\n"
                + _("Sign in here:")
                + f"\n{base}/login\n\n"
                + _("Forgot the password? Ask for a new one at %(url)s") % {"url": f"{base}/forgot-password"}
            )
        else:
            hours = settings.SIGNUP_CONFIRM_SECONDS // 3600
            then = (
                _("You have a Frontline account: this link adds %(tenant)s to it and keeps your password.")
                % names
                if existing is not None
                else _("On the link's page you choose your password; then you are signed in.")
            )
            body = (
                _("Someone asked to create an account at %(tenant)s with this email.") % names
                + "\n\n"
                + _("Confirm it within %(hours)d hours here:") % {"hours": hours}
                + f"\n{_confirm_link(tenant, signup_id, pending, join=existing is not None)}\n\n{then}"
            )
        return AccountMail(
            to_address=to_address,
            subject=_("[%(tenant)s] Your account") % names,
            body_text=body + "\n\n" + _("If it was not you, ignore this email."),
        )


def customer_signup_confirm(*, tenant: Tenant, token: str, password: str = "") -> Membership:
    """Create the account the link names with `password` (or add this tenant to the existing
    account of that email, whose password stays) and return its customer membership; the link
    then stops working. 422 when the link is invalid, expired, used or of another tenant, or
    when a new account's password is missing or weak (the link then still works)."""
    invalid = ValidationError({"token": "This link is invalid or has expired; sign up again."})
    try:
        claims = signing.loads(
            token, salt=f"{TOKEN_SALT}:{tenant.id}", max_age=settings.SIGNUP_CONFIRM_SECONDS
        )
    except signing.BadSignature as exc:
        raise invalid from exc
    key = _pending_key(tenant.id, str(claims.get("s", "")))
    pending = cache.get(key)
    if pending is None or not hmac.compare_digest(str(claims.get("k", "")), str(pending.get("secret", ""))):
        raise invalid
    with transaction.atomic():
        user = user_by_email(email=pending["email"])
        if user is None:
            if not password:
                raise ValidationError({"password": "Choose a password for the new account."})
            user = user_create(email=pending["email"], password=password, full_name=pending["full_name"])
        elif not user.email_verified:
            user.email_verified = True  # the link reached them: the address is theirs
            user.save(update_fields=["email_verified"])
        # Claim the link last: a weak password above leaves it usable, and a link used by
        # someone else a moment ago rolls back the account just made.
        if not cache.delete(key):
            raise invalid
        membership = membership_for_user(tenant=tenant, user=user)
        if membership is None:
            membership = membership_set(tenant=tenant, user=user, role=Role.CUSTOMER)
    return membership
