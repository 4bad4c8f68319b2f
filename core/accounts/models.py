"""Global user identities, per-tenant API tokens and the tenants' append-only audit log."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from tenancy.fields import TenantForeignKey
from tenancy.models import AuditAction, Membership, TenantOwned


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, across tenants; what they may do lives in their memberships.

    is_staff + is_superuser mark a platform operator (cross-tenant admin).
    """

    email = models.EmailField(max_length=254)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    # False for a self-service sign-up until its owner follows a link mailed to the address:
    # until then the address is only claimed, and an invitation must not trust the password.
    # The database default covers rows copied by SQL (a tenant move), which skip Django's.
    email_verified = models.BooleanField(default=True, db_default=True)
    is_staff = models.BooleanField(default=False)
    # The language of the portal and of the mails this person gets ("en", "de"; see
    # config.languages). Empty means "not chosen": the portal follows the browser, mails English.
    locale = models.CharField(max_length=10, blank=True, default="", db_default="")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_uniq"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def mail_language(self) -> str:
        """The language of the mails this person gets: their saved locale, else the site's."""
        return self.locale or settings.LANGUAGE_CODE

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiToken(TenantOwned):
    """A personal API token, bound to one user in one tenant. Only its hash is stored."""

    membership = TenantForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters, to recognise it.")
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="None: until revoked.")
    read_only = models.BooleanField(default=False, help_text="Only GET, HEAD and OPTIONS requests.")
    areas = models.JSONField(
        default=list, blank=True, help_text="API areas (first path segment) it may use; empty: all."
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "membership"], name="apitoken_member_idx")]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "token_hash"], name="apitoken_hash_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238), global like the user: one second factor for
    every tenant the person belongs to. Confirmed by a first code; until then it is no factor.

    `secret` is the base32 key encrypted at rest (`accounts.two_factor_secrets`);
    `last_used_step` is the newest 30-second step a code was accepted for, so a code (or an
    older one) is never accepted twice.
    """

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=300)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP of user {self.user_id} ({'confirmed' if self.confirmed_at else 'pending'})"


class RecoveryCode(models.Model):
    """A single-use recovery code; only its keyed hash is stored."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recoverycode_user_hash_uniq")
        ]

    def __str__(self) -> str:
        return f"recovery code of user {self.user_id}"


class AuditEvent(TenantOwned):
    """Security events inside a tenant. Append-only: the app role cannot update or delete."""

    append_only = True

    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["tenant", "-created_at"], name="audit_tenant_time_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action}"
