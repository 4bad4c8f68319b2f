"""Parse raw RFC 5322 mail (email package, policy=default) into what a ticket needs.

Handles multipart/alternative and HTML-only mail, any charset and transfer encoding
(decoded by the policy's content manager, with a Latin-1 fallback for mislabelled
parts), attachments and inline images, forwarded messages (message/rfc822 parts
become attachments; "Forwarded message" text stays in the body). The new text has
quoted replies and signatures removed; the full original is kept by the caller.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3

ID_RE = re.compile(r"<[^<>\s]+>")

# Lines that start the quoted original in common clients (Gmail, Apple Mail, Outlook, mobile).
QUOTE_HEADERS = [
    re.compile(r"^On .{1,200}wrote:\s*$", re.IGNORECASE),  # Gmail / Apple Mail (may wrap, see below)
    re.compile(r"^Am .{1,200}schrieb .{0,100}:\s*$", re.IGNORECASE),
    re.compile(r"^Le .{1,200}a écrit\s*:\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),  # Outlook (older)
    re.compile(r"^_{10,}\s*$"),  # Outlook: a line of underscores before From:
    re.compile(r"^From: .+$"),  # Outlook: a header block starts the quote
]
SIGNATURE_STARTS = [
    re.compile(r"^-- ?$"),  # the RFC 3676 delimiter
    re.compile(r"^Sent from my \w+", re.IGNORECASE),
    re.compile(r"^Get Outlook for \w+", re.IGNORECASE),
    re.compile(r"^Sent from (Mail|Yahoo Mail|Outlook) for", re.IGNORECASE),
]
FORWARD_MARK = re.compile(r"^-{2,}\s*(Forwarded message|Begin forwarded message)", re.IGNORECASE)


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class ParsedEmail:
    message_id: str
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    subject: str
    in_reply_to: list[str]
    references: list[str]
    text: str = ""
    html: str = ""
    new_text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    forwarded: bool = False


def _decode(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        return bytes(payload).decode("latin-1", errors="replace")


def html_to_text(source: str) -> str:
    text = re.sub(r"(?is)<(script|style|head)[^>]*>.*?</\1>", "", source)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h\d>", "\n", text)
    text = re.sub(r"(?i)<blockquote[^>]*>", "\n> ", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()


def sanitize_html(source: str) -> str:
    return nh3.clean(source)


def strip_reply(text: str) -> str:
    """The new part of a reply: stop at the quoted original or the signature."""
    lines = text.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if FORWARD_MARK.match(stripped):
            return text.strip()  # a forward: the forwarded content is the message
        if stripped.startswith(">"):
            break
        # Gmail wraps long "On ... wrote:" lines in two.
        joined = f"{stripped} {lines[i + 1].strip()}" if i + 1 < len(lines) else stripped
        if stripped and (any(p.match(stripped) for p in QUOTE_HEADERS) or QUOTE_HEADERS[0].match(joined)):
            if QUOTE_HEADERS[-1].match(stripped) and not out:
                out.append(line)  # "From:" on the first line is content, not a quote header
                continue
            break
        if any(p.match(stripped) for p in SIGNATURE_STARTS):
            break
        out.append(line)
    return "\n".join(out).strip()


def _ids(value: str | None) -> list[str]:
    return ID_RE.findall(value or "")


def parse_message(raw: bytes) -> ParsedEmail:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    name, address = parseaddr(str(msg.get("From", "")))
    parsed = ParsedEmail(
        message_id=(_ids(str(msg.get("Message-ID", ""))) or [""])[0],
        from_address=address.lower(),
        from_name=name,
        to=[a.lower() for _, a in getaddresses([str(v) for v in msg.get_all("To", [])]) if a],
        cc=[a.lower() for _, a in getaddresses([str(v) for v in msg.get_all("Cc", [])]) if a],
        subject=" ".join(str(msg.get("Subject", "")).split())[:300],
        in_reply_to=_ids(str(msg.get("In-Reply-To", ""))),
        references=_ids(str(msg.get("References", ""))),
        headers={k.lower(): str(v) for k, v in msg.items()},
    )
    body = msg.get_body(preferencelist=("plain", "html"))
    html_part = msg.get_body(preferencelist=("html",))
    if body is not None and body.get_content_type() == "text/plain":
        parsed.text = _decode(body)  # type: ignore[arg-type]
    if html_part is not None:
        parsed.html = sanitize_html(_decode(html_part))  # type: ignore[arg-type]
    if not parsed.text and html_part is not None:
        parsed.text = html_to_text(_decode(html_part))  # type: ignore[arg-type]
    for part in msg.iter_attachments():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            parsed.forwarded = True
            inner = part.get_content()
            data = inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(inner)
            parsed.attachments.append(Attachment("forwarded.eml", ctype, data))
            continue
        data = part.get_payload(decode=True) or b""
        parsed.attachments.append(
            Attachment(
                filename=part.get_filename() or "attachment",
                content_type=ctype,
                data=bytes(data),
                # A part with a Content-ID and no "attachment" disposition is an inline image.
                inline=part.get_content_disposition() == "inline"
                or (bool(part.get("Content-ID")) and part.get_content_disposition() != "attachment"),
                content_id=str(part.get("Content-ID", "")).strip("<>"),
            )
        )
    # Inline images inside multipart/related are not "attachments" to iter_attachments.
    for part in msg.walk():
        if (
            part.get_content_maintype() == "image"
            and part.get("Content-ID")
            and not any(a.content_id == str(part.get("Content-ID")).strip("<>") for a in parsed.attachments)
        ):
            parsed.attachments.append(
                Attachment(
                    filename=part.get_filename() or "image",
                    content_type=part.get_content_type(),
                    data=bytes(part.get_payload(decode=True) or b""),
                    inline=True,
                    content_id=str(part.get("Content-ID")).strip("<>"),
                )
            )
    parsed.forwarded = (
        parsed.forwarded
        or bool(FORWARD_MARK.search(parsed.text))
        or parsed.subject.lower().startswith(("fwd:", "fw:"))
    )
    parsed.new_text = strip_reply(parsed.text)
    return parsed


def auto_reply_reason(parsed: ParsedEmail, mail_from: str | None) -> str | None:
    """Why this is an auto-reply or bounce that must not open or continue a ticket, else None."""
    h = parsed.headers
    if mail_from is not None and mail_from.strip("<> ") == "":
        return "bounce"  # null envelope sender (RFC 5321): delivery reports
    if h.get("content-type", "").lower().startswith("multipart/report"):
        return "bounce"
    if parsed.from_address.startswith(("mailer-daemon@", "postmaster@")):
        return "bounce"
    auto = h.get("auto-submitted", "no").strip().lower()
    if auto and auto != "no":
        return "auto_reply"
    if h.get("precedence", "").strip().lower() in {"bulk", "junk", "auto_reply"}:
        return "auto_reply"
    if "x-autoreply" in h or "x-autorespond" in h:
        return "auto_reply"
    return None
