"""Events: the transactional outbox, its relay and the subscriber registry."""

from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class EventsConfig(AppConfig):
    name = "events"

    def ready(self) -> None:
        # The relay no longer reads this list: an entry left in it would be silently dropped.
        if hasattr(settings, "FRONTLINE_EVENT_SUBSCRIBERS"):
            raise ImproperlyConfigured(
                "FRONTLINE_EVENT_SUBSCRIBERS is gone: declare subscribers with events.registry.subscribes"
            )
