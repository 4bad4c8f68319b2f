"""The categories a tenant's tickets are matched with zero-shot, before it has a trained model.

In order: the categories an admin described (`Tenant.settings["ai"]["categories"]`: a list of
{name, description, examples}); else the categories the tenant's agents already use, each with a
few of its tickets' subjects as examples; else a generic help-desk set, so triage shows a useful
suggestion from the very first ticket. Zero-shot suggestions are never applied to the ticket by
themselves: an agent picks the category, and that pick is a label for the first real model.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from tenancy.context import tenant_context
from tenancy.models import Tenant
from triage.selectors import labelled_categories, labelled_count

MAX_CATEGORIES = 200
EXAMPLES_PER_CATEGORY = 5
MAX_EXAMPLE_CHARS = 300

GENERIC_CATEGORIES: list[dict[str, Any]] = [
    {
        "name": "Billing",
        "description": "invoices, payments, refunds, charges, subscription plans and prices",
        "examples": ["I was charged twice this month", "Please send me a refund"],
    },
    {
        "name": "Account access",
        "description": "login, password reset, two-factor codes, locked or disabled accounts",
        "examples": ["I cannot log in to my account", "The password reset link does not work"],
    },
    {
        "name": "Bug report",
        "description": "something is broken, an error message, a crash or a page that does not load",
        "examples": ["The app crashes when I upload a file", "I get an error 500 on checkout"],
    },
    {
        "name": "How-to question",
        "description": "how to use a feature, where to find a setting, instructions",
        "examples": ["How do I export my data?", "Where can I change my email address?"],
    },
    {
        "name": "Feature request",
        "description": "a suggestion or wish for something the product does not do yet",
        "examples": ["It would be great to have a dark mode", "Please add an integration with Slack"],
    },
    {
        "name": "Shipping and delivery",
        "description": "orders, parcels, tracking, late, lost or damaged deliveries, returns",
        "examples": ["My order has not arrived yet", "The package was damaged"],
    },
]


def _configured(tenant: Tenant) -> list[dict[str, Any]]:
    raw = (tenant.settings.get("ai") or {}).get("categories") or []
    out = []
    for item in raw[:MAX_CATEGORIES] if isinstance(raw, list) else []:
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            continue  # a malformed entry is skipped, not a failed triage
        examples = [str(e)[:MAX_EXAMPLE_CHARS] for e in item.get("examples") or [] if str(e).strip()]
        out.append(
            {
                "name": str(item["name"]).strip()[:100],
                "description": str(item.get("description") or "")[:2000],
                "examples": examples[:EXAMPLES_PER_CATEGORY],
            }
        )
    return out


def zero_shot_categories(*, tenant: Tenant) -> list[dict[str, Any]]:
    """The categories to send with a ticket for zero-shot triage; [] once a model can be trained."""
    with tenant_context(tenant.id):
        if labelled_count(tenant=tenant) >= settings.AI_MIN_LABELLED:
            return []  # the tenant's model answers (or will after its first training)
        configured = _configured(tenant)
        if configured:
            return configured
        used = labelled_categories(tenant=tenant, examples=EXAMPLES_PER_CATEGORY, limit=MAX_CATEGORIES)
    if used:
        return [
            {"name": name[:100], "description": "", "examples": [s[:MAX_EXAMPLE_CHARS] for s in subjects]}
            for name, subjects in used.items()
        ]
    return GENERIC_CATEGORIES
