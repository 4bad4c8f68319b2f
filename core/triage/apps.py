"""Triage: AI predictions for tickets, asked of the AI service after commit, never in the request."""

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
