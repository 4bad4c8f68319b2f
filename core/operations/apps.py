"""Operations: whole-installation backup and restore, and moving one tenant between installations."""

from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    default_auto_field = "django.db.models.BigAutoField"
