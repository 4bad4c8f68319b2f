"""Every schema the API uses has a unique class name.

OpenAPI components are named after the pydantic class; two apps each defining a
`SearchHitOut` made one silently replace the other in the schema (and in the portal's
generated types). This walks every operation's input and response models.
"""

from __future__ import annotations

import typing
from collections import defaultdict

from pydantic import BaseModel

from api.main import api


def _models_in(annotation: object, seen: set[type[BaseModel]]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, seen)


def _api_models() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    for _prefix, router, *_ in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    _models_in(model, seen)
                for model in operation.response_models.values():
                    _models_in(model, seen)
    return seen


def test_schema_class_names_are_unique():
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in _api_models():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert clashes == {}, f"rename one side of each: {clashes}"


def test_the_walk_finds_nested_models():
    names = {model.__name__ for model in _api_models()}
    assert {"TicketSearchHitOut", "SearchHitOut"} <= names
