"""The foreign key between two tenant-owned models."""

from __future__ import annotations

from typing import Any, cast

from django.db import models
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND, WhereNode


class TenantForeignKey(models.ForeignKey):
    """A foreign key from one tenant-owned model to another, kept inside the tenant twice over.

    In the database its key is the composite `(tenant_id, column) -> (tenant_id, id)` that
    `tenancy.security` adds after migrate, not the ORM's own `(column) -> (id)`: that one could
    not exist, since `id` alone is not a key (the primary key is `(tenant_id, id)`, as Citus
    needs to distribute the tables by tenant). Hence `db_constraint=False`; the ORM still
    carries out `on_delete`.

    In queries every join along it, either way, also says `target.tenant_id = source.tenant_id`,
    so the planner walks the tenant-first keys and Citus can run the join on the tenant's node
    (`testing.tenant_joins` checks the hot paths' SQL for it).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("db_constraint", False)
        super().__init__(*args, **kwargs)

    def get_extra_restriction(self, alias: str | None, related_alias: str) -> WhereNode | None:
        # `alias` is the target's table in the join, `related_alias` this model's; Django asks
        # with no `alias` when it trims the join away (then there is nothing to tie).
        if alias is None:
            return None
        target = cast("models.Field[Any, Any]", self.related_model._meta.get_field("tenant"))
        source = cast("models.Field[Any, Any]", self.model._meta.get_field("tenant"))
        same_tenant: Any = Exact(target.get_col(alias), source.get_col(related_alias))
        return WhereNode([same_tenant], connector=AND)
