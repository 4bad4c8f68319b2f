"""Architecture docs generated from the code: ER diagrams and the schema report."""

from django.apps import AppConfig


class ArchitectureConfig(AppConfig):
    name = "architecture"
