"""The generated two-tenant walk: every API route with an id in its path, every method, asked
by tenant A's staff and customer with tenant B's ids; each answers 404.

The routes come from the API's own routers (what Django serves, schema or not), the request
bodies from the OpenAPI schema (the smallest body the schema accepts, so the route reaches
its lookup instead of stopping at 422), and one object per id kind from the factories in
`testing.walk_seeds`, keyed by path parameter name. A route whose parameter has no factory
fails the walk: a new endpoint is covered the day it is added, without its own test.

Each id is swapped on its own (B's ticket with A's macro, A's ticket with B's macro), so a
nested lookup that forgets the tenant is caught too. Every request runs in a savepoint that
is rolled back, so a DELETE or a merge of A's objects does not change the next request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from api.main import api

API_PREFIX = "/api/v1"
_PARAM = re.compile(r"\{(?:\w+:)?(\w+)\}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # a template: /api/v1/tickets/{ticket_id}/links/{link_id}
    params: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: dict[str, str]) -> str:
        return _PARAM.sub(lambda m: values[m.group(1)], self.path)


def operations_with_path_ids() -> list[Operation]:
    """Every operation the API's routers serve whose path names a parameter."""
    found: list[Operation] = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = API_PREFIX + (prefix.rstrip("/") + "/" + path.lstrip("/")).replace("//", "/")
            params = tuple(_PARAM.findall(full))
            if not params:
                continue
            template = _PARAM.sub(lambda m: "{" + m.group(1) + "}", full)
            for operation in path_view.operations:
                found.extend(Operation(method, template, params) for method in operation.methods)
    return sorted(found, key=lambda op: (op.path, op.method))


# -- the smallest body the schema accepts --------------------------------------------------

_SCHEMA = api.get_openapi_schema()
_COMPONENTS = _SCHEMA.get("components", {}).get("schemas", {})
_STRING_FORMATS = {
    "email": "walk@example.test",
    "date-time": "2026-01-05T09:00:00Z",
    "date": "2026-01-05",
    "time": "09:00:00",
    "uri": "https://example.test/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def smallest_instance(schema: dict[str, Any]) -> Any:
    """A value that satisfies `schema` with as little as possible: required fields only."""
    if "$ref" in schema:
        return smallest_instance(_COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]])
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in schema:
            options = schema[combinator]
            if combinator == "anyOf" and any(option.get("type") == "null" for option in options):
                return None  # a required field that may be null: null names no other object
            return smallest_instance(options[0])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: smallest_instance(properties.get(name, {})) for name in schema.get("required", [])}
    if kind == "array":
        return [smallest_instance(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        if schema.get("format") == "binary":
            return SimpleUploadedFile("walk.txt", b"walk", content_type="text/plain")
        text = _STRING_FORMATS.get(schema.get("format", ""), "walk")
        return text.ljust(schema.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {}


def _request_body(operation: Operation) -> tuple[str | None, Any]:
    """(content type, body) for the operation, from its schema; (None, None) without a body."""
    spec = _SCHEMA["paths"].get(operation.path, {}).get(operation.method.lower(), {})
    content = spec.get("requestBody", {}).get("content", {})
    for content_type, media in content.items():
        return content_type, smallest_instance(media.get("schema", {}))
    return None, None


def send(
    client: Client,
    operation: Operation,
    values: dict[str, str],
    host: str,
    body_ids: dict[str, int] | None = None,
) -> HttpResponse:
    """One request in a savepoint that is rolled back: what it changed is gone afterwards.
    `body_ids` fills id fields of the body (a link's or merge's `target_id`) with the caller's
    own objects; the schema's smallest integer (1) names an object only by chance."""
    content_type, body = _request_body(operation)
    if isinstance(body, dict) and body_ids:
        body = {**body, **{name: value for name, value in body_ids.items() if name in body}}
    kwargs: dict[str, Any] = {"HTTP_HOST": host}
    if content_type == "multipart/form-data":
        kwargs["data"] = body
    elif content_type is not None:
        kwargs.update(data=json.dumps(body), content_type=content_type)
    with transaction.atomic():
        response: HttpResponse = getattr(client, operation.method.lower())(operation.url(values), **kwargs)
        transaction.set_rollback(True)
    return response


def swaps(operation: Operation, own: dict[str, str], other: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """The operation's parameters, each in turn replaced by the other tenant's value; ids that
    are not tenant objects (a locale, a version number) keep their own value."""
    for name in operation.params:
        if other[name] != own[name]:
            yield name, {**own, name: other[name]}
