"""Triage: AI predictions for tickets, asked of the AI service after commit, never in the request."""

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        from triage import subscribers  # noqa: F401  (registers its event subscribers)
