"""Demo: the `seed_demo` management command and the data it creates."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
