"""Article bodies: Markdown or HTML in, sanitized HTML and plain text out; slugs; diffs."""

from __future__ import annotations

import difflib
import html
import re

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt

from tickets.sanitize import CONTROL_CHARS
from tickets.sanitize import html_to_text as message_html_to_text

# What an article may contain. No scripts, styles, forms, iframes or event handlers;
# links and images only over http(s), mailto or same-site paths.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "code": {"class"},  # language-xyz from fenced code blocks
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# html=False: raw HTML inside Markdown is shown as text, not passed through.
_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
)

MAX_BODY_CHARS = 200_000
MAX_TITLE_CHARS = 300


def sanitize_html(raw: str) -> str:
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )


def render_body(source: str, body_format: str) -> str:
    """Safe HTML for a body written in Markdown or HTML."""
    raw = _markdown.render(source) if body_format == "markdown" else source
    return sanitize_html(raw)


def html_to_text(safe_html: str) -> str:
    """The words of sanitized HTML, for search and snippets: one line per block, and no
    control characters (\x02/\x03 mark search matches in snippets)."""
    text = CONTROL_CHARS.sub("", message_html_to_text(safe_html))
    return re.sub(r"[ \t]*\n\s*", "\n", text)


def make_slug(text: str, *, max_length: int = 120) -> str:
    slug = slugify(text, allow_unicode=False)[:max_length].strip("-")
    return slug or "article"


SNIPPET_START, SNIPPET_STOP = "\x02", "\x03"


def snippet_to_html(raw: str) -> str:
    """A ts_headline result (plain text with marker characters) as HTML with <mark> only."""
    escaped = html.escape(raw.replace("\n", " "), quote=True)
    return escaped.replace(SNIPPET_START, "<mark>").replace(SNIPPET_STOP, "</mark>")


def unified_diff(old: str, new: str, *, old_label: str, new_label: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
            lineterm="\n",
        )
    )
