"""WSGI entry point (gunicorn in production, runserver under `make run`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.warmup import warm_web_worker  # noqa: E402 - needs the apps loaded above

warm_web_worker()
