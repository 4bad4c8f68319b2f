"""What one tenant's data is, read from the model registry: its tables in dependency order,
the columns that point at global users, and the columns that name stored files.

Deriving it from the models (like `tenancy.security` does for row-level security) means a new
tenant table is moved without anyone remembering to list it.
"""

from __future__ import annotations

from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from django.contrib.auth import get_user_model
from django.db import models

from operations.errors import OperationError
from tenancy.models import Tenant
from tenancy.security import tenant_models


@dataclass(frozen=True)
class TableSpec:
    table: str
    columns: list[str]
    user_columns: list[str]  # foreign keys to the global user table: remapped on import
    file_columns: list[str]  # FileFields: the stored files move with the rows


def _spec(model: type[models.Model]) -> TableSpec:
    user_model = get_user_model()
    fields = model._meta.concrete_fields
    return TableSpec(
        table=model._meta.db_table,
        columns=[str(field.column) for field in fields],
        user_columns=[
            str(field.column)
            for field in fields
            if isinstance(field, models.ForeignKey) and field.related_model is user_model
        ],
        file_columns=[str(field.column) for field in fields if isinstance(field, models.FileField)],
    )


def _check_global_references(model: type[models.Model]) -> None:
    """A tenant row may point at the tenant and at users; any other global row would be left behind."""
    tenant_owned = set(tenant_models())
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        target = field.related_model
        if target in tenant_owned or target is Tenant or target is get_user_model():
            continue
        raise OperationError(
            f"{model._meta.label}.{field.name} points at the global table of {target}: "
            "tenant moves do not know how to carry it (teach operations.tenant_tables)."
        )


def tenant_table_specs() -> list[TableSpec]:
    """Every tenant table, each after the tables its foreign keys point at."""
    found = tenant_models()
    for model in found:
        _check_global_references(model)
    graph: dict[type[models.Model], set[type[models.Model]]] = {
        model: {
            field.related_model
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
            and field.related_model in found
            and field.related_model is not model
        }
        for model in found
    }
    try:
        ordered = list(TopologicalSorter(graph).static_order())
    except CycleError:
        # Every foreign key is DEFERRABLE INITIALLY DEFERRED, checked at commit: any order loads.
        ordered = found
    return [_spec(model) for model in ordered]


def user_spec() -> TableSpec:
    return _spec(get_user_model())


def tenant_spec() -> TableSpec:
    return _spec(Tenant)
