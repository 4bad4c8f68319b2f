"""Django admin of IMAP mailboxes (tenant admins, on their tenant host): the password is write-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from email_channel import mailboxes, secrets
from email_channel.models import Mailbox
from tenancy.admin import TenantScopedAdmin, admin_site


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Stored encrypted and never shown; leave empty to keep the current one.",
    )

    class Meta:
        model = Mailbox
        fields = ("address", "host", "port", "security", "username", "folder", "processed_folder", "active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.pk and not data.get("password"):
            self.add_error("password", "The mailbox password is required.")
        try:
            mailboxes.validate_settings({k: v for k, v in data.items() if k != "password" and v is not None})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data

    def save(self, commit: bool = True) -> Mailbox:
        mailbox: Mailbox = super().save(commit=False)
        if self.cleaned_data.get("password"):
            mailbox.password_encrypted = secrets.encrypt(self.cleaned_data["password"])
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox, site=admin_site)
class MailboxAdmin(TenantScopedAdmin):
    form = MailboxForm
    list_display = ("address", "host", "active", "last_polled_at", "last_error", "messages_ingested")
    readonly_fields = ("last_uid", "last_polled_at", "last_success_at", "last_error", "messages_ingested")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        on_platform = getattr(request, "tenant", None) is None  # operators pick the tenant
        return [
            *(["tenant"] if on_platform else []),
            *MailboxForm.Meta.fields,
            "password",
            *self.readonly_fields,
        ]
