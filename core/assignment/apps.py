"""App configuration of ticket assignment strategies."""

from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "assignment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assignment import subscribers  # noqa: F401  (registers its event subscribers)
