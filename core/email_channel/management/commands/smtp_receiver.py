"""Run the SMTP receiver until interrupted."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from email_channel.receiver import make_controller


class Command(BaseCommand):
    help = "Receive inbound mail over SMTP (port FRONTLINE_SMTP_PORT)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=settings.__dict__.get("SMTP_BIND", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=settings.SMTP_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = make_controller(options["host"], options["port"])
        controller.start()
        self.stdout.write(f"SMTP receiver on {options['host']}:{options['port']}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
