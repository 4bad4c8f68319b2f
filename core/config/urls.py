"""URL configuration: admin, the REST API, health, and the portal (last: it catches the rest)."""

from django.urls import include, path

from api.main import api
from health.views import healthz, readyz
from tenancy.admin import admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("portal_host.urls")),
]
