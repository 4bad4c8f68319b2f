# ruff: noqa: E501 - one request (or article) per line reads better than wrapped prose
"""Demo help centre for `make run`: a category, two sections, published articles in English,
one also in German (the tenant's second locale), and one for agents only (idempotent)."""

from __future__ import annotations

from kb.selectors import article_list
from kb.services import (
    article_create,
    article_translation_save,
    category_create,
    kb_locales_set,
    section_create,
)
from tenancy.models import Membership, Tenant

PASSWORD_RESET = (
    "Resetting your password",
    "1. Open the sign-in page and choose **Forgot password**.\n"
    "2. Enter the email you sign in with; the link arrives within a minute (check spam).\n"
    "3. The link works once, for an hour. If the new password is refused, clear the browser's "
    "saved password and type it again.",
)
PASSWORD_RESET_DE = (
    "Passwort zurücksetzen",
    "1. Öffnen Sie die Anmeldeseite und wählen Sie **Passwort vergessen**.\n"
    "2. Geben Sie Ihre Anmelde-E-Mail ein; der Link kommt innerhalb einer Minute (auch im Spam nachsehen).\n"
    "3. Der Link gilt einmal, eine Stunde lang. Wird das neue Passwort abgelehnt, löschen Sie das im "
    "Browser gespeicherte Passwort und tippen Sie es neu ein.",
)
ARTICLES = [
    ("Your account", *PASSWORD_RESET, "public"),
    (
        "Your account",
        "Inviting your team",
        "Admins invite colleagues under **Settings > Members**; each invitation link is valid for seven days.",
        "public",
    ),
    (
        "Billing",
        "Understanding your invoice",
        "Invoices are issued on the first of the month. Seats added mid-month are charged pro rata; removed seats are credited on the next invoice.",
        "public",
    ),
    (
        "Billing",
        "Requesting a refund",
        "Refunds go back to the card that paid, within 5 to 10 business days. Duplicate charges are refunded at once.",
        "customers",
    ),
    (
        "Billing",
        "Refund policy for agents",
        "Refund duplicate charges without asking. Anything above 500 EUR needs a second agent's approval in an internal note.",
        "agents",
    ),
]


def seed_demo_kb(*, tenant: Tenant, author: Membership | None) -> int:
    """Create the articles if the tenant has none; must run in its tenant context."""
    if article_list(tenant=tenant, limit=1):
        return 0
    tenant = kb_locales_set(tenant=tenant, locales=["en", "de"], default_locale="en")
    category = category_create(tenant=tenant, name="Getting started", description="The first answers.")
    sections = {
        name: section_create(tenant=tenant, category=category, name=name, position=i)
        for i, name in enumerate(dict.fromkeys(section for section, *_ in ARTICLES))
    }
    for section, title, body, visibility in ARTICLES:
        article = article_create(
            tenant=tenant,
            author=author,
            title=title,
            body=body,
            section=sections[section],
            visibility=visibility,
            status="published",
        )
        if title == PASSWORD_RESET[0]:
            article_translation_save(
                tenant=tenant,
                article=article,
                editor=author,
                locale="de",
                title=PASSWORD_RESET_DE[0],
                body=PASSWORD_RESET_DE[1],
            )
    return len(ARTICLES)
