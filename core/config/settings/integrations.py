"""The other processes core talks to: the AI service and the realtime gateway."""

from __future__ import annotations

import os

from config.settings.base import AI_PORT, IS_DEV, SECRET_KEY
from contracts.env import dev_secret, env_value
from contracts.realtime import DEFAULT_TOKEN_TTL_SECONDS, derive_secret


# -- AI service (ai/): core and workers call it with a shared service token ---------------
def _ai_token() -> str:
    token = env_value("FRONTLINE_AI_TOKEN")
    if token or not IS_DEV:
        return token  # empty outside dev/test: AI triage is off until configured
    # The same file the ai process reads when it has no FRONTLINE_AI_TOKEN (ai/config.py).
    return dev_secret("ai-service-token")


AI_URL = os.environ.get("FRONTLINE_AI_URL", f"http://127.0.0.1:{AI_PORT}")
AI_TOKEN = _ai_token()
AI_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_AI_TIMEOUT", "5"))
AI_TRAIN_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_AI_TRAIN_TIMEOUT", "300"))
# Retraining: the schedule queues a tenant once it has this many labelled tickets (the AI
# service's own minimum, FRONTLINE_AI_MIN_LABELLED), then after this many new labels/corrections.
AI_MIN_LABELLED = int(os.environ.get("FRONTLINE_AI_MIN_LABELLED", "50"))
AI_RETRAIN_NEW_LABELS = int(os.environ.get("FRONTLINE_AI_RETRAIN_NEW_LABELS", "200"))

# -- realtime gateway ---------------------------------------------------------------
# Core signs connection tokens with this key and the gateway checks them: both processes
# must see the same value (the gateway derives it from FRONTLINE_SECRET_KEY the same way).
REALTIME_SECRET = env_value("FRONTLINE_REALTIME_SECRET") or derive_secret(SECRET_KEY)
REALTIME_TOKEN_TTL_SECONDS = int(os.environ.get("FRONTLINE_REALTIME_TOKEN_TTL", DEFAULT_TOKEN_TTL_SECONDS))
REALTIME_PUBLIC_URL = os.environ.get("FRONTLINE_REALTIME_URL", "")
