"""Services and selectors of tenants' IMAP mailboxes (the config the poller reads).
tenant-queries: allowed (every query names the tenant; these are this model's services).

The password goes in through `mailbox_create`/`mailbox_update` only and is stored
encrypted; nothing here returns it.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from email_channel import addresses, secrets
from email_channel.imap_hosts import HostRefusedError, vet_host
from email_channel.models import Mailbox
from tenancy.models import Tenant

EDITABLE = {"address", "host", "port", "security", "username", "folder", "processed_folder", "active"}


def mailbox_list(*, tenant: Tenant) -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(tenant=tenant).order_by("id")


def mailbox_get(*, tenant: Tenant, mailbox_id: int) -> Mailbox | None:
    return Mailbox.objects.filter(tenant=tenant, id=mailbox_id).first()


def own_addresses(*, tenant: Tenant) -> set[str]:
    """Addresses that are the tenant itself: never a customer, a follower or a sender to accept."""
    own = {a.lower() for a in Mailbox.objects.filter(tenant=tenant).values_list("address", flat=True)}
    custom_from = (tenant.settings or {}).get("email", {}).get("from_address")
    if custom_from:
        own.add(parseaddr(str(custom_from))[1].lower())
    return own


def is_own_address(tenant: Tenant, address: str, own: set[str]) -> bool:
    return address.endswith("@" + addresses.tenant_domain(tenant.slug)) or address in own


def _check_host(host: str, port: int) -> None:
    try:
        vet_host(host, port)
    except HostRefusedError as exc:
        raise ValidationError({"host": str(exc)}) from exc
    except (OSError, UnicodeError):
        pass  # does not resolve now: the poll records that on the mailbox


def validate_settings(values: dict[str, Any]) -> None:
    if not 1 <= int(values.get("port", 993)) <= 65535:
        raise ValidationError({"port": "Use a port between 1 and 65535."})
    if values.get("security", "ssl") not in Mailbox.Security.values:
        raise ValidationError({"security": f"Use one of {', '.join(Mailbox.Security.values)}."})
    for name in ("host", "username", "folder"):
        if name in values and not str(values[name]).strip():
            raise ValidationError({name: "This cannot be empty."})
        if name in values and any(ch in str(values[name]) for ch in "\r\n"):
            raise ValidationError({name: "Line breaks are not allowed."})
    if values.get("host"):
        _check_host(str(values["host"]), int(values.get("port", 993)))


def _save_unique_address(mailbox: Mailbox) -> None:
    """Save; a second mailbox of the tenant for the same address is a field error, not a 500."""
    try:
        with transaction.atomic():
            mailbox.save()
    except IntegrityError as exc:
        raise ValidationError({"address": "This tenant already polls a mailbox for this address."}) from exc


@transaction.atomic
def mailbox_create(*, tenant: Tenant, password: str, **values: Any) -> Mailbox:
    validate_settings(values)
    if not password:
        raise ValidationError({"password": "The mailbox password is required."})
    mailbox = Mailbox(tenant=tenant, **{k: v for k, v in values.items() if k in EDITABLE})
    mailbox.address = mailbox.address.lower()
    mailbox.password_encrypted = secrets.encrypt(password)
    _save_unique_address(mailbox)
    return mailbox


@transaction.atomic
def mailbox_update(
    *, tenant: Tenant, mailbox: Mailbox, changes: dict[str, Any], password: str | None = None
) -> Mailbox:
    """Change settings; a new host, user or folder starts over (UIDs are per folder)."""
    values = {k: v for k, v in changes.items() if k in EDITABLE}
    validate_settings({**{k: getattr(mailbox, k) for k in EDITABLE}, **values})
    restart = any(
        values.get(k, getattr(mailbox, k)) != getattr(mailbox, k) for k in ("host", "username", "folder")
    )
    for name, value in values.items():
        setattr(mailbox, name, value.lower() if name == "address" else value)
    if password:
        mailbox.password_encrypted = secrets.encrypt(password)
    if restart:
        mailbox.uid_validity, mailbox.last_uid = None, 0
    if password or restart:
        mailbox.last_error = ""
    _save_unique_address(mailbox)
    return mailbox


@transaction.atomic
def mailbox_delete(*, tenant: Tenant, mailbox: Mailbox) -> None:
    Mailbox.objects.filter(tenant=tenant, id=mailbox.id).delete()
