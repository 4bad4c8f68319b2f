"""Error responses in one shape: RFC 9457 `application/problem+json`, with field errors."""

from __future__ import annotations

import json
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status: int, detail: str, *, errors: dict[str, Any] | None = None) -> HttpResponse:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return HttpResponse(json.dumps(body, default=str), status=status, content_type=PROBLEM_CONTENT_TYPE)


def validation_errors_by_field(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """pydantic's error list -> {"field.path": [messages]} (the leading body/query/path is dropped)."""
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "form", "file"}:
            loc = loc[1:]
        if loc and loc[0] in {"payload", "query"} and len(loc) > 1:
            loc = loc[1:]
        result.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "Invalid value.")))
    return result
