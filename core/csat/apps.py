"""App configuration of customer satisfaction ratings."""

from django.apps import AppConfig


class CsatConfig(AppConfig):
    name = "csat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from csat import subscribers  # noqa: F401  (registers its event subscribers)
