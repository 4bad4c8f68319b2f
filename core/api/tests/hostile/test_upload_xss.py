"""XSS and SSRF through uploads: active documents and hostile file names.

Advisory: Chatwoot CVE-2021-3742 (stored XSS through uploaded SVG/HTML attachments). Every
upload path (a ticket's attachments, a new ticket with files, a knowledge base article's
files) either refuses the file or serves it as a download the browser will not render:
`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, never an HTML, SVG or
XML type, and a file name without paths, quotes, markup or line breaks.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kb.tests.conftest import make_article
from testing.factories import session_client
from tickets.tests.helpers import call, make_ticket

ADVISORY_CLASS = "uploads (XSS/SSRF)"
pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SSRF_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://169.254.169.254/latest/meta-data/"/></svg>'
)
XXE = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'

# (file name, content): active content under every name, and hostile names on harmless bytes.
UPLOADS = [
    ("evil.svg", SVG),
    ("evil.svg.png", SVG),
    ("evil.html", HTML),
    ("evil.htm", HTML),
    ("evil.xhtml", HTML),
    ("evil.txt", HTML),
    ("evil", HTML),
    ("image.png", HTML),
    ("metadata.svg", SSRF_SVG),
    ("entity.xml", XXE),
    ("polyglot.png", PNG + HTML),
    ('"><img src=x onerror=alert(1)>.png', PNG),
    ("a\r\nContent-Type: text/html\r\n\r\n<script>.png", PNG),
    ("../../../../etc/passwd.png", PNG),
    ("..\\..\\windows\\win.ini.png", PNG),
    ("evil\u202egnp.html", HTML),  # right-to-left override: shows as evil.html reversed
    ("x\x00.html.png", PNG),
    ("q\"; filename*=UTF-8''evil.html.png", PNG),
    ("con.png", PNG),
    ("." * 300 + ".png", PNG),
]
ACTIVE_TYPES = re.compile(
    r"^(text/html|image/svg|application/xhtml|text/xml|application/xml|text/javascript)"
)
BAD_NAME = re.compile(r'[\r\n"<>/\\\x00\u202e]')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _download_is_inert(response, body: bytes | None = None) -> list[str]:
    problems = []
    if ACTIVE_TYPES.match(response.get("Content-Type", "")):
        problems.append(f"served as {response['Content-Type']}")
    disposition = response.get("Content-Disposition", "")
    if not disposition.startswith("attachment"):
        problems.append(f"Content-Disposition {disposition!r}")
    name = re.search(r'filename="([^"]*)"', disposition)
    if name and BAD_NAME.search(name.group(1)):
        problems.append(f"file name {name.group(1)!r}")
    if "\r" in disposition or "\n" in disposition:
        problems.append("line break in Content-Disposition")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    return problems


def test_ticket_attachments(two_tenants, tally):
    customer = two_tenants.a.customer
    client = session_client(customer)
    ticket = make_ticket(customer)
    for name, content in UPLOADS:
        uploaded = client.post(
            f"/api/v1/tickets/{ticket.id}/attachments", {"file": SimpleUploadedFile(name, content)}
        )
        if uploaded.status_code >= 400:
            tally.judge(name, "ticket attachment", status=uploaded.status_code, harmless=False)
            continue
        meta = uploaded.json()
        sent = call(
            client,
            "post",
            f"/api/v1/tickets/{ticket.id}/messages",
            {"body_text": "f", "attachment_ids": [meta["id"]]},
        )
        assert sent.status_code == 201, sent.content
        download = client.get(meta["download_url"])
        problems = _download_is_inert(download)
        if BAD_NAME.search(meta["filename"]):
            problems.append(f"stored name {meta['filename']!r}")
        tally.judge(
            name,
            "ticket attachment",
            status=download.status_code,
            harmless=not problems,
            detail=str(problems),
        )
    tally.assert_held()


def test_files_sent_with_a_new_ticket(two_tenants, tally):
    client = session_client(two_tenants.a.customer)
    for name, content in UPLOADS:
        response = client.post("/api/v1/tickets/multipart", {
            "data": json.dumps({"subject": "files", "body_text": "see attached"}),
            "files": [SimpleUploadedFile(name, content)],
        })  # fmt: skip
        if response.status_code >= 400:
            tally.judge(name, "ticket create with files", status=response.status_code, harmless=False)
            continue
        ticket_id = response.json()["id"]
        messages = call(client, "get", f"/api/v1/tickets/{ticket_id}/messages").json()
        meta = messages[0]["attachments"][0]
        problems = _download_is_inert(client.get(meta["download_url"]))
        if BAD_NAME.search(meta["filename"]):
            problems.append(f"stored name {meta['filename']!r}")
        tally.judge(name, "ticket create with files", status=200, harmless=not problems, detail=str(problems))
    tally.assert_held()


def test_knowledge_base_article_files(two_tenants, tally):
    agent = two_tenants.a.agent
    staff, reader = session_client(agent), session_client(two_tenants.a.customer)
    article = make_article(agent, "Files", "body")
    for name, content in UPLOADS:
        uploaded = staff.post(
            f"/api/v1/kb/manage/articles/{article.id}/attachments",
            {"file": SimpleUploadedFile(name, content)},
        )
        if uploaded.status_code >= 400:
            tally.judge(name, "KB attachment", status=uploaded.status_code, harmless=False)
            continue
        meta = uploaded.json()
        download = reader.get(f"/api/v1/kb/articles/{article.slug}/attachments/{meta['id']}")
        problems = _download_is_inert(download)
        tally.judge(
            name, "KB attachment", status=download.status_code, harmless=not problems, detail=str(problems)
        )
    tally.assert_held()
