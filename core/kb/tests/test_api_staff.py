"""Staff KB API: writing articles, translations, versions, status, structure, files; roles and isolation."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kb import services
from kb.tests.conftest import make_article
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404

pytestmark = pytest.mark.django_db


def send(client, method, path, data=None):
    return getattr(client, method)(path, json.dumps(data or {}), content_type="application/json")


def test_agent_writes_publishes_and_readers_then_see_it(two_tenants):
    agent = session_client(two_tenants.a.agent)
    created = send(
        agent,
        "post",
        "/api/v1/kb/manage/articles",
        {"title": "Set up SSO", "body": "Go to **Settings**.", "tags": ["SSO", "sso", "Login"]},
    )
    assert created.status_code == 201, created.content
    article = created.json()
    assert (article["status"], article["tags"], article["slug"]) == ("draft", ["sso", "login"], "set-up-sso")
    assert article["translations"][0]["body_html"] == "<p>Go to <strong>Settings</strong>.</p>\n"
    reader = Client(HTTP_HOST="acme.localhost")
    assert reader.get("/api/v1/kb/articles/set-up-sso").status_code == 404
    published = send(
        agent, "post", f"/api/v1/kb/manage/articles/{article['id']}/status", {"status": "published"}
    )
    assert published.json()["published_at"] is not None
    assert reader.get("/api/v1/kb/articles/set-up-sso").json()["title"] == "Set up SSO"
    archived = send(
        agent, "post", f"/api/v1/kb/manage/articles/{article['id']}/status", {"status": "archived"}
    )
    assert archived.json()["status"] == "archived"
    assert reader.get("/api/v1/kb/articles/set-up-sso").status_code == 404
    listed = agent.get("/api/v1/kb/manage/articles", {"status": "archived"}).json()
    assert [a["id"] for a in listed] == [article["id"]]


def test_versions_diff_and_restore_through_the_api(two_tenants):
    client = session_client(two_tenants.a.agent)
    article = make_article(two_tenants.a.agent, "Refunds", "Within 14 days.\nBy card.")
    path = f"/api/v1/kb/manage/articles/{article.id}"
    saved = send(
        client, "put", f"{path}/translations/en", {"title": "Refunds", "body": "Within 30 days.\nBy card."}
    )
    assert saved.json()["version"] == 2
    versions = client.get(f"{path}/versions").json()
    assert [(v["locale"], v["number"]) for v in versions] == [("en", 2), ("en", 1)]
    diff = client.get(f"{path}/versions/en/2/diff").json()
    assert "-Within 14 days.\n" in diff["diff"] and "+Within 30 days.\n" in diff["diff"]
    assert client.get(f"{path}/versions/en/2/diff", {"against": 2}).json()["diff"] == ""
    assert client.get(f"{path}/versions/en/1").json()["body_source"] == "Within 14 days.\nBy card."
    restored = client.post(f"{path}/versions/en/1/restore")
    assert restored.json()["version"] == 3 and restored.json()["body_source"].startswith("Within 14")
    assert client.get(f"{path}/versions/en/9").status_code == 404


def test_structure_and_metadata_edits(two_tenants):
    client = session_client(two_tenants.a.agent)
    category = send(client, "post", "/api/v1/kb/manage/categories", {"name": "Billing"}).json()
    section = send(
        client, "post", "/api/v1/kb/manage/sections", {"category_id": category["id"], "name": "Invoices"}
    ).json()
    renamed = send(client, "patch", f"/api/v1/kb/manage/categories/{category['id']}", {"name": "Money"})
    assert renamed.json()["name"] == "Money"
    moved = send(client, "patch", f"/api/v1/kb/manage/sections/{section['id']}", {"position": 4})
    assert moved.json()["position"] == 4
    article = make_article(two_tenants.a.agent, "Invoice copy")
    patched = send(
        client,
        "patch",
        f"/api/v1/kb/manage/articles/{article.id}",
        {"section_id": section["id"], "visibility": "customers", "tags": ["pdf"]},
    ).json()
    assert (patched["section_id"], patched["visibility"], patched["tags"]) == (
        section["id"],
        "customers",
        ["pdf"],
    )
    cleared = send(client, "patch", f"/api/v1/kb/manage/articles/{article.id}", {"section_id": 0}).json()
    assert cleared["section_id"] is None
    assert (
        send(
            client, "post", "/api/v1/kb/manage/categories", {"name": "Billing 2", "slug": "Bad Slug"}
        ).status_code
        == 422
    )
    assert (
        send(
            client, "post", "/api/v1/kb/manage/categories", {"name": "Money", "slug": category["slug"]}
        ).status_code
        == 422
    )
    assert (
        send(
            client, "patch", f"/api/v1/kb/manage/articles/{article.id}", {"visibility": "everyone"}
        ).status_code
        == 422
    )


def test_draft_from_text_endpoint(two_tenants):
    client = session_client(two_tenants.a.agent)
    response = send(
        client, "post", "/api/v1/kb/manage/articles/from-text", {"title": "Fix", "body": "Reboot <now>."}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "draft"
    assert "&lt;now&gt;" in response.json()["translations"][0]["body_html"]


def test_attachment_upload_sniffs_type_and_limits_size(two_tenants):
    client = session_client(two_tenants.a.agent)
    article = make_article(two_tenants.a.agent, "Screens")
    path = f"/api/v1/kb/manage/articles/{article.id}/attachments"
    png = SimpleUploadedFile("../s.html", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="text/html")
    uploaded = client.post(path, {"file": png})
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert (body["content_type"], body["filename"], body["size"]) == ("image/png", "s.html", 28)
    html = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    assert client.post(path, {"file": html}).status_code == 422
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), content_type="image/png"
    )
    assert client.post(path, {"file": big}).status_code in (413, 422)


def test_customers_and_anonymous_cannot_manage(two_tenants):
    article = make_article(two_tenants.a.agent, "Staff only")
    customer = session_client(two_tenants.a.customer)
    assert customer.get("/api/v1/kb/manage/articles").status_code == 403
    assert customer.get(f"/api/v1/kb/manage/articles/{article.id}").status_code == 403
    assert send(customer, "post", "/api/v1/kb/manage/articles", {"title": "x"}).status_code == 403
    anonymous = Client(HTTP_HOST="acme.localhost")
    assert anonymous.get("/api/v1/kb/manage/articles").status_code == 401
    assert (
        send(
            anonymous, "post", f"/api/v1/kb/manage/articles/{article.id}/status", {"status": "published"}
        ).status_code
        == 401
    )
    # Locales are an admin setting.
    assert (
        send(
            session_client(two_tenants.a.agent),
            "put",
            "/api/v1/kb/manage/locales",
            {"locales": ["de"], "default_locale": "en"},
        ).status_code
        == 403
    )
    assert send(
        session_client(two_tenants.a.admin),
        "put",
        "/api/v1/kb/manage/locales",
        {"locales": ["de"], "default_locale": "en"},
    ).json() == {"locales": ["en", "de"], "default_locale": "en"}


def test_every_staff_id_endpoint_is_tenant_isolated(two_tenants):
    tenant, agent = two_tenants.a.tenant, two_tenants.a.agent
    category = services.category_create(tenant=tenant, name="Cat")
    section = services.section_create(tenant=tenant, category=category, name="Sec")
    article = make_article(agent, "Isolated", "v1")
    base = f"/api/v1/kb/manage/articles/{article.id}"
    checks = [
        ("get", base, None),
        ("patch", base, {"tags": ["x"]}),
        ("put", f"{base}/translations/en", {"title": "Isolated", "body": "v2"}),
        ("post", f"{base}/status", {"status": "published"}),
        ("get", f"{base}/versions", None),
        ("get", f"{base}/versions/en/1", None),
        ("get", f"{base}/versions/en/1/diff", None),
        ("post", f"{base}/versions/en/1/restore", {}),
        ("patch", f"/api/v1/kb/manage/categories/{category.id}", {"name": "Cat"}),
        ("post", "/api/v1/kb/manage/sections", {"category_id": category.id, "name": "Other"}),
        ("patch", f"/api/v1/kb/manage/sections/{section.id}", {"position": 1}),
        ("post", "/api/v1/kb/manage/articles", {"title": "In section", "section_id": section.id}),
        ("patch", base, {"section_id": section.id}),
    ]
    for method, path, data in checks:
        assert_other_tenant_gets_404(two_tenants, method, path, data=data)


def test_attachment_upload_is_tenant_isolated(two_tenants):
    article = make_article(two_tenants.a.agent, "Files")
    path = f"/api/v1/kb/manage/articles/{article.id}/attachments"
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    assert (
        session_client(two_tenants.a.agent).post(path, {"file": SimpleUploadedFile("a.png", png)}).status_code
        == 201
    )
    intruder = session_client(two_tenants.b.agent)
    assert intruder.post(path, {"file": SimpleUploadedFile("a.png", png)}).status_code == 404
    assert (
        intruder.post(
            path, {"file": SimpleUploadedFile("a.png", png)}, HTTP_HOST="acme.localhost"
        ).status_code
        == 404
    )
