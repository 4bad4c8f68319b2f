"""Agent workspace helpers: per-user saved inbox views and the SLA-at-risk queue."""

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "workspace"
