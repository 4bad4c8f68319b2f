"""The catch-all page of the portal: the built index.html for every client-side route.

The portal's JavaScript and CSS are static files (`/static/portal/...`, served by
whitenoise); this view only answers the routes React Router owns, so a reload of
`/tickets/12` or a shared link works. Only tenant hosts have a portal.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

MISSING_BUILD = (
    "<!doctype html><title>Portal not built</title>"
    "<p>The portal has not been built. Run <code>make run</code> (or "
    "<code>cd portal &amp;&amp; npm ci &amp;&amp; npm run build</code>).</p>"
)


@require_safe
@ensure_csrf_cookie  # the portal's first unsafe request (login) needs the cookie
def portal_index(request: HttpRequest, path: str = "") -> HttpResponse:
    if getattr(request, "tenant", None) is None:
        raise Http404("The portal lives on a tenant's host, e.g. acme.localhost.")
    index = settings.PORTAL_DIST_DIR / "index.html"
    try:
        body = index.read_text(encoding="utf-8")
    except FileNotFoundError:
        return HttpResponse(MISSING_BUILD, status=503)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    # The page names hashed asset files; it must be re-fetched after each deploy.
    response["Cache-Control"] = "no-cache"
    return response
