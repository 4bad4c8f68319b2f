"""URL configuration: admin, the REST API and health."""

from django.urls import path

from api.main import api
from health.views import healthz
from tenancy.admin import admin_site

urlpatterns = [
    path("admin/", admin_site.urls),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
]
