"""Django settings for Frontline core, read from environment variables.

Safe production defaults: DEBUG is off unless FRONTLINE_ENV=dev, cookies are secure,
HSTS and a content security policy are sent, and only the base domain's hosts are
allowed. See docs/operations/environment.md for every variable.

One module per concern, read in this order (a later one may use an earlier one's values):
- `base.py`: Paths, the runtime environment, the secret key, hosts and ports, the installed
  apps and the middleware.
- `data.py`: PostgreSQL (the owner and the restricted app role), Redis, the cache and sessions.
- `auth.py`: Users, passwords, login lockout, self-service limits and API tokens.
- `security.py`: Security headers, cookies, HTTPS, the content security policy, trusted
  proxies and origins.
- `files.py`: Static files (the built portal), uploads and body limits.
- `workers.py`: Celery: the broker, one queue per kind of work, the beat schedule; the event streams.
- `integrations.py`: The other processes core talks to: the AI service and the realtime gateway.
- `features.py`: Knobs of single features: the knowledge base, webhooks and email.
"""

from config.settings.auth import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.data import *  # noqa: F403
from config.settings.features import *  # noqa: F403
from config.settings.files import *  # noqa: F403
from config.settings.integrations import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.workers import *  # noqa: F403
