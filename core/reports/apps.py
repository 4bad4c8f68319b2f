"""Reports: daily per-tenant rollups of ticket metrics, the reports API and CSV exports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from reports import subscribers  # noqa: F401  (registers its event subscribers)
