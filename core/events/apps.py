"""Events: the transactional outbox, its relay and the subscriber registry."""

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
