"""The portal page and its assets as core serves them (production-mode serving, no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from portal_host.openapi import openapi_json
from tenancy.models import Tenant
from testing.factories import make_tenant

from .conftest import require_portal_build


@pytest.fixture
def acme(db: None) -> Tenant:
    return make_tenant("acme", "Acme Corporation")


def client_for(host: str) -> Client:
    return Client(HTTP_HOST=host)


def test_client_routes_get_the_portal_page_with_a_csrf_cookie(acme: Tenant) -> None:
    require_portal_build()
    for path in ("/", "/login", "/agent/teams", "/portal"):
        response = client_for("acme.localhost").get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html")
        assert response["Cache-Control"] == "no-cache"
        assert b'<div id="root">' in response.content
        assert "csrftoken" in response.cookies


def test_built_assets_are_served_by_whitenoise_with_long_caching(acme: Tenant) -> None:
    require_portal_build()
    page = client_for("acme.localhost").get("/").content.decode()
    scripts = re.findall(r'src="(/static/portal/assets/[^"]+\.js)"', page)
    assert scripts, "index.html names no bundle"
    response = client_for("acme.localhost").get(scripts[0])
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert len(body) > 1000


def test_api_and_admin_paths_are_not_swallowed_by_the_portal(acme: Tenant) -> None:
    client = client_for("acme.localhost")
    missing = client.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404
    assert b'<div id="root">' not in missing.content
    assert client.get("/api/v1/tenant").json()["name"] == "Acme Corporation"
    assert client.get("/admin/login/").status_code == 200


def test_platform_host_and_unknown_tenants_have_no_portal(acme: Tenant) -> None:
    assert client_for("localhost").get("/login").status_code == 404
    assert client_for("nobody.localhost").get("/login").status_code == 404


def test_unsafe_methods_are_refused(acme: Tenant) -> None:
    assert client_for("acme.localhost").post("/login").status_code in {403, 405}


def test_missing_build_says_how_to_build(acme: Tenant, settings_dist: Path) -> None:
    response = client_for("acme.localhost").get("/")
    assert response.status_code == 503
    assert b"make run" in response.content


@pytest.fixture
def settings_dist(settings: object, tmp_path: Path) -> Path:
    settings.PORTAL_DIST_DIR = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def test_checked_in_openapi_schema_is_current() -> None:
    # The portal's TypeScript types are generated from this file; a stale copy means
    # the portal compiles against an API that no longer exists.
    checked_in = Path(settings.REPO_DIR) / "portal" / "openapi.json"
    assert json.loads(checked_in.read_text()) == json.loads(openapi_json()), (
        "portal/openapi.json is stale: run `make portal-api` and commit portal/openapi.json "
        "and portal/src/api/schema.d.ts"
    )
