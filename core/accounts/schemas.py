"""Request and response shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class LoginIn(Schema):
    # A plain pattern, not EmailStr: email-validator refuses reserved domains like .test.
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    password: str = Field(min_length=1, max_length=200)


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    locale: str = Field(description='Saved language ("en", "de") or "" to follow the browser')
    tenant: str | None
    role: str | None
    membership_id: int | None


class MePatchIn(Schema):
    locale: Literal["", "en", "de"] = Field(description='"" follows the browser')


class SessionOut(Schema):
    signed_in: bool
    me: MeOut | None = Field(description="The caller when signed in, else null")


class CsrfOut(Schema):
    csrf_token: str


class TokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    read_only: bool = Field(default=False, description="Only GET, HEAD and OPTIONS requests.")
    areas: list[str] = Field(
        default_factory=list,
        max_length=40,
        description="API areas (the first path segment after /api/v1/, e.g. `tickets`, `kb`) the "
        "token may use; empty: every area.",
    )
    expires_in_days: int | None = Field(default=None, ge=1, le=3650, description="None: until revoked.")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None
    read_only: bool
    areas: list[str]


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown once; store it now.")


class AuditEventOut(Schema):
    id: int
    action: str
    actor_id: int | None
    ip_address: str | None
    detail: dict
    created_at: datetime


# -- the tenant, its members, teams and organizations ------------------------------
class TenantOut(Schema):
    slug: str
    name: str
    branding: dict
    signup_allowed: bool = Field(description="Customers may create their own account on the portal.")


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    full_name: str
    role: str
    organization_id: int | None
    created_at: datetime
    active: bool
    deactivated_at: datetime | None


class MemberInviteIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    role: str = "agent"
    full_name: str = Field(default="", max_length=200)
    password: str | None = Field(
        default=None,
        max_length=200,
        description="Initial password of a new user (ignored for existing users).",
    )


class MemberUpdateIn(Schema):
    role: str | None = None
    active: bool | None = None


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)


class TeamOut(Schema):
    id: int
    name: str
    description: str
    member_ids: list[int]


class OrganizationIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    domains: list[str] = Field(default_factory=list, max_length=100)
    notes: str = Field(default="", max_length=5000)


class OrganizationPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    domains: list[str] | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=5000)


class OrganizationOut(Schema):
    id: int
    name: str
    domains: list[str]
    notes: str
    created_at: datetime


class MemberOrganizationIn(Schema):
    organization_id: int | None


# -- two-factor sign-in ---------------------------------------------------------------
class TwoFactorChallengeOut(Schema):
    status: str = Field(
        description="`code_required`: send a code to /auth/login/code; `enrolment_required`: the "
        "tenant requires two-factor sign-in for staff, set it up with /auth/2fa/enrol first."
    )
    challenge: str = Field(description="Signed, short-lived; send it back with the next step.")
    expires_in: int = Field(description="Seconds the challenge stays valid.")


class LoginCodeIn(Schema):
    challenge: str = Field(min_length=1, max_length=500)
    code: str = Field(min_length=1, max_length=40, description="Six digits, or a recovery code.")


class TwoFactorStatusOut(Schema):
    enabled: bool
    pending: bool = Field(description="A set-up was started and awaits its first code.")
    recovery_codes_left: int
    required_by_tenant: bool


class EnrolIn(Schema):
    challenge: str | None = Field(
        default=None, max_length=500, description="From the login step when enrolment is required."
    )


class EnrolmentOut(Schema):
    secret: str = Field(description="Base32, for apps that cannot scan the QR code.")
    otpauth_uri: str
    qr_svg: str = Field(description="The otpauth URI as an SVG QR code.")


class EnrolConfirmIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    challenge: str | None = Field(default=None, max_length=500)


class EnrolConfirmedOut(Schema):
    recovery_codes: list[str] = Field(description="Shown once; each works once.")
    me: MeOut | None = Field(description="Set when the confirmation also signed you in (challenge).")


class TwoFactorDisableIn(Schema):
    password: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=40)


class RecoveryCodesIn(Schema):
    code: str = Field(min_length=1, max_length=40, description="A current authenticator code.")


class RecoveryCodesOut(Schema):
    recovery_codes: list[str]


class SecurityPolicyOut(Schema):
    two_factor_required_for_staff: bool


class SecurityPolicyIn(Schema):
    two_factor_required_for_staff: bool


class PasswordChangeIn(Schema):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)
