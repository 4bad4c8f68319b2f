"""The Celery application shared by the worker and beat processes."""

import os
import sys
from pathlib import Path

from celery import Celery

_core = Path(__file__).resolve().parent.parent
for path in (str(_core), str(_core.parent)):
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("frontline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
