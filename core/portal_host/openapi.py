"""The REST API's OpenAPI document as stable JSON: the source of the portal's TS types."""

from __future__ import annotations

import json

from api.main import api

API_PREFIX = "/api/v1/"


def openapi_json() -> str:
    schema = api.get_openapi_schema(path_prefix=API_PREFIX)
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
