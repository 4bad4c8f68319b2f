"""Writes for the workspace: create, change and delete a member's saved views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tenancy.models import Membership, Tenant
from workspace.models import SavedView

MAX_VIEWS_PER_MEMBER = 50
# The list filters a view may hold (the query parameters of GET /tickets, minus paging).
FILTER_KEYS = frozenset(
    {
        "status",
        "status_category",
        "priority",
        "type",
        "channel",
        "assignee",
        "team",
        "requester",
        "tag",
        "cf",
        "created_after",
        "created_before",
        "updated_after",
        "updated_before",
        "sort",
    }
)


def clean_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Keep a view's filters to known keys holding strings, numbers or lists of strings."""
    unknown = sorted(set(filters) - FILTER_KEYS)
    if unknown:
        raise ValidationError(
            {"filters": f"Unknown filter(s) {', '.join(unknown)}; use {', '.join(sorted(FILTER_KEYS))}."}
        )
    cleaned: dict[str, Any] = {}
    for key, value in filters.items():
        if isinstance(value, list):
            if len(value) > 30 or not all(isinstance(v, str) and 0 < len(v) <= 200 for v in value):
                raise ValidationError({"filters": f"{key}: a list of at most 30 short strings."})
            if value:
                cleaned[key] = value
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            if str(value).strip():
                cleaned[key] = str(value).strip()[:200]
        elif value is not None:
            raise ValidationError({"filters": f"{key}: a string or a list of strings."})
    return cleaned


def _save(view: SavedView) -> SavedView:
    view.name = view.name.strip()
    if not view.name:
        raise ValidationError({"name": "Give the view a name."})
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise ValidationError({"name": f"You already have a view called {view.name!r}."}) from None
    return view


def saved_view_create(
    *, tenant: Tenant, owner: Membership, name: str, filters: dict[str, Any], position: int = 0
) -> SavedView:
    if SavedView.objects.filter(tenant=tenant, owner=owner).count() >= MAX_VIEWS_PER_MEMBER:
        raise ValidationError({"name": f"At most {MAX_VIEWS_PER_MEMBER} saved views each; delete one first."})
    view = SavedView(tenant=tenant, owner=owner, name=name, filters=clean_filters(filters), position=position)
    return _save(view)


def saved_view_update(*, view: SavedView, changes: dict[str, Any]) -> SavedView:
    if "name" in changes and changes["name"] is not None:
        view.name = changes["name"]
    if "filters" in changes and changes["filters"] is not None:
        view.filters = clean_filters(changes["filters"])
    if "position" in changes and changes["position"] is not None:
        view.position = changes["position"]
    return _save(view)


def saved_view_delete(*, view: SavedView) -> None:
    view.delete()
