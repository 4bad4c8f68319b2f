"""Routes of the portal: everything that is not the API, admin, static files or health."""

from django.urls import re_path

from portal_host.views import portal_index

# Listed last in config.urls; the negative look-ahead keeps typos under /api/ a JSON 404.
urlpatterns = [
    re_path(r"^(?!api/|admin/|static/|healthz)(?P<path>.*)$", portal_index, name="portal"),
]
