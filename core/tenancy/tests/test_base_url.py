"""One origin for every link core mails out (reset, CSAT survey, ticket, article)."""

from __future__ import annotations

from django.test import override_settings

from tenancy.models import Tenant
from tenancy.selectors import tenant_base_url


def test_plain_http_keeps_the_port_unless_it_is_80():
    tenant = Tenant(slug="acme")
    with override_settings(SESSION_COOKIE_SECURE=False, WEB_PORT=8000, BASE_DOMAIN="localhost"):
        assert tenant_base_url(tenant) == "http://acme.localhost:8000"
    with override_settings(SESSION_COOKIE_SECURE=False, WEB_PORT=80, BASE_DOMAIN="example.com"):
        assert tenant_base_url(tenant) == "http://acme.example.com"


def test_https_is_the_proxy_on_443_never_the_internal_port():
    with override_settings(SESSION_COOKIE_SECURE=True, WEB_PORT=8000, BASE_DOMAIN="help.example.com"):
        assert tenant_base_url(Tenant(slug="acme")) == "https://acme.help.example.com"
