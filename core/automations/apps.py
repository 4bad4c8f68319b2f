"""App configuration of triggers, time-based automations and macros."""

from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "automations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from automations import subscribers  # noqa: F401  (registers its event subscribers)
