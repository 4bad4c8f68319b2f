"""Self-service accounts on a tenant's portal: customer sign-up and password reset by email.

Reset links are signed one-time tokens from Django's `PasswordResetTokenGenerator`, salted
per tenant (a link works only on the tenant that sent it; it dies when the password
changes or after PASSWORD_RESET_TIMEOUT). A sign-up's address is unverified until such a
link is used. Asking for a reset never says whether the address is known: the answer is
the same and the work is done either way.

Accounts writes no mail itself (the outbound mail outbox lives in the email channel, a layer
above): a reset request and an invitation are events (member.password_reset_requested,
member.invited), and the email channel's subscribers queue the mail these builders write.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.selectors import membership_for_user, user_by_email
from accounts.session_registry import sessions_revoke
from events.services import event_record
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, Tenant
from tenancy.selectors import membership_get, tenant_base_url

logger = logging.getLogger(__name__)


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when `key` has gone over `limit` in the current window."""
    cache_key = f"throttle:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return int(count) > limit


def reset_tokens(tenant: Tenant) -> PasswordResetTokenGenerator:
    """Reset and invitation tokens of one tenant: a link another tenant mailed is no good here."""
    generator = PasswordResetTokenGenerator()
    generator.key_salt = f"frontline.accounts.reset.tenant-{tenant.id}"
    return generator


def reset_link(*, tenant: Tenant, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = reset_tokens(tenant).make_token(user)
    return f"{tenant_base_url(tenant)}/reset-password?uid={uid}&token={token}"


def password_reset_request(*, tenant: Tenant, email: str) -> None:
    """Ask for a reset link mail if `email` belongs to a member of `tenant`; silently nothing
    otherwise. At most PASSWORD_RESET_MAX_PER_HOUR requests per address and tenant, also
    silently. Each request is one event, so one mail however often its delivery is retried."""
    email = email.strip().lower()
    user = user_by_email(email=email)
    if user is None or not user.is_active:
        return
    membership = membership_for_user(tenant=tenant, user=user)
    if membership is None:
        return
    if throttle_hit(
        scope="reset-mail",
        key=f"{tenant.id}:{email}",
        limit=settings.PASSWORD_RESET_MAX_PER_HOUR,
        window_seconds=3600,
    ):
        logger.info("password reset mail throttled for a member of tenant %s", tenant.id)
        return
    with tenant_context(tenant.id), transaction.atomic():
        event_record(
            tenant_id=tenant.id,
            type="member.password_reset_requested",
            subject_id=membership.id,
            data={"membership_id": membership.id, "user_id": user.id},
        )


@dataclass(frozen=True)
class AccountMail:
    """One mail to one person, written by accounts and sent by the email channel's outbox."""

    to_address: str
    subject: str
    body_text: str


def password_reset_mail(*, tenant: Tenant, membership_id: int) -> AccountMail | None:
    """The reset link mail for an active member of `tenant`; None when there is no one to tell."""
    membership = membership_get(tenant=tenant, membership_id=membership_id)
    if membership is None or not membership.is_active or not membership.user.is_active:
        return None
    user = membership.user
    link = reset_link(tenant=tenant, user=user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    with translation.override(user.mail_language):
        return AccountMail(
            to_address=user.email,
            subject=_("[%(tenant)s] Reset your password") % {"tenant": tenant.name},
            body_text=_("Someone asked to reset the password of %(email)s at %(tenant)s.")
            % {"email": user.email, "tenant": tenant.name}
            + "\n\n"
            + ngettext(
                "Choose a new password here (the link works once, for %(hours)d hour):",
                "Choose a new password here (the link works once, for %(hours)d hours):",
                hours,
            )
            % {"hours": hours}
            + f"\n{link}\n\n"
            + _("If it was not you, ignore this email; your password stays as it is."),
        )


def member_invitation_mail(*, tenant: Tenant, membership_id: int, new_user: bool) -> AccountMail | None:
    """The mail telling someone an admin gave them access to `tenant`; None when there is no
    one to tell.

    An account without a usable password (the admin set none) gets a link to choose one: the
    reset token, valid PASSWORD_RESET_TIMEOUT. Anyone else signs in as they already do.
    """
    membership = membership_get(tenant=tenant, membership_id=membership_id)
    if membership is None or not membership.is_active or not membership.user.is_active:
        return None
    user = membership.user
    with translation.override(user.mail_language):
        return _invitation(tenant=tenant, membership=membership, user=user, new_user=new_user)


def _invitation(*, tenant: Tenant, membership: Membership, user: User, new_user: bool) -> AccountMail:
    """The invitation text in the active language (the caller picks the recipient's)."""
    base = tenant_base_url(tenant)
    names = {"tenant": tenant.name, "role": membership.role}
    if user.has_usable_password():
        action = _("Sign in with your existing password here:") + f"\n{base}/login"
    else:
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        action = (
            ngettext(
                "Choose your password here (the link works once, for %(hours)d hour):",
                "Choose your password here (the link works once, for %(hours)d hours):",
                hours,
            )
            % {"hours": hours}
            + f"\n{reset_link(tenant=tenant, user=user)}\n\n"
            + _("After that, ask for a new link at %(url)s") % {"url": f"{base}/forgot-password"}
        )
    who = {"name": user.full_name or user.email}
    greeting = (_("Welcome %(name)s,") if new_user else _("Hello %(name)s,")) % who
    if membership.role == Role.CUSTOMER:
        body = _("You can now use the %(tenant)s help center as %(role)s.") % names
    else:
        body = _("You can now use the %(tenant)s support workspace as %(role)s.") % names
    return AccountMail(
        to_address=user.email,
        subject=_("[%(tenant)s] You have been given access as %(role)s") % names,
        body_text=f"{greeting}\n\n{body}\n\n{action}\n",
    )


def password_reset_confirm(*, tenant: Tenant, uid: str, token: str, password: str) -> User:
    """Set the new password if the link is valid for a member of `tenant`; the token then dies
    because it is derived from the password hash."""
    invalid = ValidationError({"token": "This reset link is invalid or has expired; ask for a new one."})
    try:
        user_id = int(urlsafe_base64_decode(uid).decode())
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or membership_for_user(tenant=tenant, user=user) is None:
        raise invalid
    if not reset_tokens(tenant).check_token(user, token):
        raise invalid
    validate_password(password, user=user)
    user.set_password(password)
    user.email_verified = True  # the link reached them: the address is theirs
    user.save(update_fields=["password", "email_verified"])
    # Whoever held the old password (or a session opened with it) is out, in every tenant.
    transaction.on_commit(lambda: sessions_revoke(user_id=user.pk, reason="password reset"))
    return user
