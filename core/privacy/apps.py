"""Privacy: a person's data-access archive, their erasure, and the tenant's retention rule."""

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
