"""Jobs: the reliable Celery task base class and the dead-letter record of tasks that gave up."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
