"""Whether HTML that reaches a browser can run anything: the suite's one definition of 'neutralised'."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags that run script, load active documents or change how the page is read.
ACTIVE_TAGS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
     "base", "form", "svg", "math", "template", "noscript", "xml", "xss", "input", "button", "textarea"}
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "srcset", "background", "poster"}
)
_SCHEME = re.compile(r"^[\s\x00-\x1f]*(javascript|vbscript|data|livescript):", re.IGNORECASE)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            elif name in URL_ATTRIBUTES and _SCHEME.match(value.replace("\t", "").replace("\n", "")):
                self.found.append(f"{tag}[{name}={value[:30]}]")
            elif name == "style" and re.search(r"expression\(|javascript:|url\(", value, re.IGNORECASE):
                self.found.append(f"{tag}[style]")

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    """What in `html` could run script or load an active document (empty: harmless)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found


def only_marks(html: str) -> list[str]:
    """Escaped text with matches in <mark>: any other tag is a leak."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return sorted(finder.tags - {"mark"}) + finder.found
