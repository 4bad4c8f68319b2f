"""Operators see dead letters and re-drive them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jobs.models import DeadLetter
from jobs.services import dead_letter_redrive
from tenancy.admin import OperatorOnlyAdmin, admin_site


@admin.register(DeadLetter, site=admin_site)
class DeadLetterAdmin(OperatorOnlyAdmin):
    """Platform operators only (platform host): dead letters span tenants."""

    list_display = ("task_name", "about_tenant_id", "retries", "exception", "created_at", "redriven_at")
    list_filter = ("task_name",)
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
    actions = ["redrive"]

    def get_actions(self, request: HttpRequest) -> dict:
        return super().get_actions(request) if self._allowed(request) else {}

    @admin.action(description="Re-drive the selected tasks (send them again)")
    def redrive(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        for dead_letter in queryset:
            dead_letter_redrive(dead_letter=dead_letter)
        self.message_user(request, f"Re-drove {queryset.count()} task(s).", messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Read-only rows; the action needs view permission only.
        return False
