"""Message HTML: known XSS payloads never survive sanitizing, through the service and the API."""

import re

import pytest

from testing.factories import session_client
from tickets.sanitize import clean_html, html_to_text, prepare_body
from tickets.tests.helpers import call, make_ticket

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="javascript:alert(1)">',
    "<div style=\"background:url('javascript:alert(1)')\">x</div>",
    "<style>@import 'http://evil/x.css';</style>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=javascript:alert(1)//>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<img """><script>alert(1)</script>">',
    '<a href="#" onclick="alert(1)">x</a>',
    "<template><script>alert(1)</script></template>",
    '<link rel=stylesheet href="javascript:alert(1)">',
    "<video><source onerror=alert(1)></video>",
    "<!--<img src=x onerror=alert(1)>-->",
]
DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|style|svg|math|form|input|meta|base|link|body|template|video|source)\b"
    r"|\son\w+\s*=|javascript:|vbscript:|data:text/html",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives(payload):
    cleaned = clean_html(payload)
    assert not DANGEROUS.search(cleaned), cleaned


def test_the_check_would_catch_a_survivor():
    assert DANGEROUS.search("<img src=x onerror=alert(1)>")


def test_safe_formatting_survives_and_links_get_rel():
    cleaned = clean_html('<p>Hi <b>there</b> <a href="https://example.com">docs</a></p>')
    assert "<b>there</b>" in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned
    assert html_to_text(cleaned) == "Hi there docs"


def test_plain_text_is_escaped():
    safe, text = prepare_body(body_html=None, body_text="<script>alert(1)</script>\n\nline")
    assert "<script>" not in safe and "&lt;script&gt;" in safe
    assert text.startswith("<script>")  # the plain text is kept verbatim; it is never rendered as HTML


@pytest.mark.django_db
def test_api_stores_only_sanitized_html(two_tenants):
    ticket = make_ticket(two_tenants.a.customer)
    client = session_client(two_tenants.a.customer)
    for payload in PAYLOADS:
        response = call(
            client, "post", f"/api/v1/tickets/{ticket.id}/messages", {"body_html": payload + "<p>ok</p>"}
        )
        if response.status_code == 422:  # the payload swallowed all text: nothing left to store
            assert "needs a body" in response.content.decode(), payload
            continue
        assert response.status_code == 201, response.content
        assert not DANGEROUS.search(response.json()["body_html"]), payload
    for message in call(client, "get", f"/api/v1/tickets/{ticket.id}/messages?limit=200").json():
        assert not DANGEROUS.search(message["body_html"])
