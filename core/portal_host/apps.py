"""Portal host: serves the built React portal (portal/dist) under every tenant host."""

from django.apps import AppConfig


class PortalHostConfig(AppConfig):
    name = "portal_host"
