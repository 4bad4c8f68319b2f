"""Tenants, and what a user is inside one: memberships, roles and teams; the platform's audit log."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models

from tenancy.fields import TenantForeignKey


class Tenant(models.Model):
    """A company using Frontline. The root of all tenant-owned data (it has no tenant_id)."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended"
        # Self-serve sign-up waiting for the owner to confirm their email; not served.
        PENDING = "pending"

    slug = models.SlugField(
        max_length=63,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")],
        help_text="Used as the host name: <slug>.<base domain>.",
    )
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class TenantOwned(models.Model):
    """Base of every tenant-owned table.

    Row-level security, the (tenant_id, id) primary key and composite foreign keys are
    added for every subclass by `tenancy.security` after each migrate. A foreign key to
    another tenant model is a `TenantForeignKey` (`tenancy.checks` says so when not).
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Role(models.TextChoices):
    OWNER = "owner"
    ADMIN = "admin"
    AGENT = "agent"
    CUSTOMER = "customer"


STAFF_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.AGENT})
ADMIN_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class Organization(TenantOwned):
    """A customer company of the tenant. Customers whose email domain is listed join it on arrival."""

    name = models.CharField(max_length=200)
    domains = ArrayField(
        models.CharField(max_length=253),
        default=list,
        blank=True,
        help_text="Email domains (lower case, e.g. example.com); each belongs to one organization.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="organization_tenant_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantOwned):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    organization = TenantForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="The customer's organization (customers only).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by an admin: the member can no longer sign in to this tenant nor use its tokens;
    # their tickets and messages stay. Other tenants of the same user are unaffected.
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_tenant_user_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES


class Team(TenantOwned):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Membership, through="TeamMembership", related_name="teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="team_tenant_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TenantOwned):
    team = TenantForeignKey(Team, on_delete=models.CASCADE)
    membership = TenantForeignKey(Membership, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "team", "membership"], name="teammembership_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.membership} in {self.team}"


class AuditAction(models.TextChoices):
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"
    LOCKED_OUT = "auth.locked_out"
    TOKEN_CREATED = "token.created"
    TOKEN_REVOKED = "token.revoked"
    TOKEN_USED = "token.used"
    CROSS_TENANT = "platform.cross_tenant"
    PRIVACY_EXPORT = "privacy.export"
    PRIVACY_ERASE = "privacy.erase"
    RETENTION_CHANGED = "privacy.retention_changed"
    RETENTION_PURGE = "privacy.retention_purge"
    TWO_FACTOR_ENROLLED = "2fa.enrolled"
    TWO_FACTOR_DISABLED = "2fa.disabled"
    TWO_FACTOR_FAILED = "2fa.failed"
    TWO_FACTOR_LOCKED_OUT = "2fa.locked_out"
    RECOVERY_CODE_USED = "2fa.recovery_code_used"
    RECOVERY_CODES_REGENERATED = "2fa.recovery_codes_regenerated"
    TWO_FACTOR_POLICY_CHANGED = "2fa.policy_changed"
    SESSIONS_REVOKED = "auth.sessions_revoked"
    TENANT_SETTINGS_CHANGED = "tenant.settings_changed"
    TENANT_SIGNED_UP = "tenant.signed_up"


class PlatformAuditEvent(models.Model):
    """Security events outside any tenant (the platform host, cross-tenant work). Append-only."""

    append_only = True

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accounts_platformauditevent"  # it began in accounts; the table kept its name

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action}"
