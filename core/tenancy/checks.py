"""System checks for the tenant schema rules that a model declaration can break."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from tenancy.fields import TenantForeignKey
from tenancy.models import TenantOwned


def _is_tenant_model(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, TenantOwned)


@checks.register(checks.Tags.models)
def check_tenant_foreign_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Foreign keys into tenant models come only from tenant models (a global table that points
    into tenant data could not be a Citus reference table) and are `TenantForeignKey`s."""
    return foreign_key_errors(apps.get_models())


def _error(model: type[models.Model], field: models.Field[Any, Any], text: str, hint: str, code: str) -> Any:
    return checks.Error(f"{model._meta.label}.{field.name}: {text}", hint=hint, obj=field, id=code)


def foreign_key_errors(all_models: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in all_models:
        for field in model._meta.local_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            into_tenant, from_tenant = _is_tenant_model(field.related_model), _is_tenant_model(model)
            if into_tenant and not from_tenant:
                errors.append(
                    _error(
                        model,
                        field,
                        "a global model points into tenant data.",
                        "Make the model tenant-owned (subclass TenantOwned).",
                        "tenancy.E001",
                    )
                )
            elif into_tenant and not isinstance(field, TenantForeignKey):
                errors.append(
                    _error(
                        model,
                        field,
                        "a foreign key between tenant models must be a TenantForeignKey.",
                        "Its database key is (tenant_id, column) -> (tenant_id, id), and its joins need "
                        "tenant_id = tenant_id; see tenancy.fields.",
                        "tenancy.E002",
                    )
                )
            elif isinstance(field, TenantForeignKey) and not (into_tenant and from_tenant):
                errors.append(
                    _error(
                        model,
                        field,
                        "a TenantForeignKey links two tenant models.",
                        "Use models.ForeignKey.",
                        "tenancy.E003",
                    )
                )
    return errors
