"""Message bodies: allowlist HTML sanitizing (nh3) and the plain-text version of a body.

Scripts, styles, event handlers, `javascript:`/`data:` URLs and unknown tags never
survive; links get `rel="noopener noreferrer nofollow"`; images may only be http(s).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "blockquote": {"cite"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Removed with everything inside them, not just unwrapped.
CONTENT_TAGS = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
)

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "table"}
)
MAX_BODY_CHARS = 200_000


def clean_html(raw: str) -> str:
    """The allowlisted, safe subset of `raw`."""
    return nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CONTENT_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(safe_html: str) -> str:
    parser = _TextExtractor()
    parser.feed(safe_html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs, every character escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


# C0 control characters other than tab and newline: never meaningful in a message, and
# search highlighting uses two of them as its match markers.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def prepare_body(*, body_html: str | None, body_text: str | None) -> tuple[str, str]:
    """(sanitized html, plain text) from whichever the caller sent; html wins when both are."""
    if body_html:
        safe = clean_html(CONTROL_CHARS.sub("", body_html[:MAX_BODY_CHARS]))
        return safe, html_to_text(safe)
    text = CONTROL_CHARS.sub("", (body_text or "")[:MAX_BODY_CHARS]).strip()
    return text_to_html(text), text
