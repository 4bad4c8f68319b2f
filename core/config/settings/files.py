"""Static files (the built portal), uploads and body limits."""

from __future__ import annotations

import os
from pathlib import Path

from config.settings.base import DATA_DIR, IS_DEV, REPO_DIR

# -- static ----------------------------------------------------------------------
STATIC_URL = "static/"
# `scripts/serve.py` (and the container build) run collectstatic into it once; a read-only
# image keeps it outside the data volume (FRONTLINE_STATIC_ROOT).
STATIC_ROOT = Path(os.environ.get("FRONTLINE_STATIC_ROOT", DATA_DIR / "static")).resolve()
if IS_DEV:  # collectstatic fills it in production; whitenoise warns when it is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The portal's production build (`npm run build` in portal/, done by `make run`/`make test`),
# published at /static/portal/ (vite.config.ts sets that base).
PORTAL_DIST_DIR = Path(os.environ.get("FRONTLINE_PORTAL_DIST", REPO_DIR / "portal" / "dist")).resolve()
STATICFILES_DIRS = [("portal", PORTAL_DIST_DIR)] if PORTAL_DIST_DIR.is_dir() else []
# Dev serves straight from the finders (no collectstatic step); production serves what
# collectstatic gathered, pre-compressed (gzip, and brotli when installed) once at collect time.
WHITENOISE_USE_FINDERS = IS_DEV
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if IS_DEV
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Vite's hashed assets are immutable.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+/portal/assets/.+-[0-9A-Za-z_-]{8,}\.\w+$"

# -- uploads ----------------------------------------------------------------------
# Attachments go through Django's storage API (a local folder by default).
MEDIA_ROOT = Path(os.environ.get("FRONTLINE_MEDIA_DIR", DATA_DIR / "media")).resolve()
MEDIA_URL = "media/"  # never served directly: downloads go through the permission-checked API
ATTACHMENT_MAX_BYTES = int(os.environ.get("FRONTLINE_ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
# JSON bodies above this answer 413 (uploads have their own limit above).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FRONTLINE_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
