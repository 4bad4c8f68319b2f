"""Hand-written SQL on hot paths: model instances from rows, and several queries in one round trip.

`select_columns(Model, alias)` lists the concrete columns of a model, and `model_from_row`
builds the instance from that slice of a row, applying the fields' own database converters
(JSON, for example). Columns named in `deferred` are left out and deferred on the instance,
exactly like the ORM's `.defer()`: reading one costs a query, and `save()` leaves it alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

import psycopg
from django.db import DataError, connections
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@cache
def _fields(model: type[Model], deferred: frozenset[str] = frozenset()) -> tuple[Field[Any, Any], ...]:
    return tuple(f for f in model._meta.concrete_fields if f.attname not in deferred)


def column_count(model: type[Model], deferred: frozenset[str] = frozenset()) -> int:
    return len(_fields(model, deferred))


def select_columns(model: type[Model], alias: str, deferred: frozenset[str] = frozenset()) -> str:
    """`alias."col1", alias."col2", ...` for the concrete fields, in `model_from_row` order."""
    return ", ".join(f'{alias}."{f.column}"' for f in _fields(model, deferred))


@cache
def _attnames(model: type[Model], deferred: frozenset[str]) -> tuple[str, ...]:
    return tuple(f.attname for f in _fields(model, deferred))


@cache
def _converters(model: type[Model], using: str, deferred: frozenset[str]) -> tuple[tuple[int, Any, Any], ...]:
    """(column index, converter, expression) for each column that needs converting."""
    connection = connections[using]
    found = []
    for index, field in enumerate(_fields(model, deferred)):
        col = field.get_col(model._meta.db_table)
        for converter in [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]:
            found.append((index, converter, col))
    return tuple(found)


def model_from_row(
    model: type[M], values: Sequence[Any], *, deferred: frozenset[str] = frozenset(), using: str = "default"
) -> M:
    """An instance of `model` from its columns' values (as ordered by `select_columns`)."""
    converted = list(values[: len(_fields(model, deferred))])
    connection = connections[using]
    for index, converter, col in _converters(model, using, deferred):
        converted[index] = converter(converted[index], col, connection)
    return model.from_db(using, list(_attnames(model, deferred)), converted)


def models_from_row(
    row: Sequence[Any], parts: Sequence[tuple[type[Model], frozenset[str]]], *, using: str = "default"
) -> list[Model | None]:
    """One instance per (model, deferred) part of a joined row, in order; None for a part whose
    columns are all NULL (a LEFT JOIN that found nothing)."""
    found: list[Model | None] = []
    start = 0
    for model, deferred in parts:
        end = start + column_count(model, deferred)
        values = row[start:end]
        found.append(
            None
            if all(v is None for v in values)
            else model_from_row(model, values, deferred=deferred, using=using)
        )
        start = end
    return found


@cache
def _fast_timestamptz_loader() -> Any:
    """psycopg's own (C) timestamptz loader: Django registers a Python subclass of it on every
    connection, which costs about a tenth of a list request's CPU in a page of 25 tickets."""
    oid = psycopg.postgres.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)


def hot_cursor(*, prepared: bool = False, using: str = "default") -> Any:
    """A Django cursor (queries still counted and logged) for the hot paths' hand-written SQL.

    It binds parameters on the server (the ORM's cursors compose the SQL text in the client,
    about a third of a list request's CPU in psycopg) and reads timestamps with psycopg's C
    loader: the same aware datetimes in the session's time zone (UTC, which Django sets).

    `prepared`: psycopg prepares the statement once per connection (pooled connections keep
    them), for statements that run often and whose generic plan is as good as a freshly
    planned one for every tenant (lookups by key, the inbox views' index walks):
    planning the list query cost as much as running it. PostgreSQL switches a prepared
    statement to its generic plan after five runs, and for search's `id = ANY($n)` over
    messages that plan scanned the tenant (1.3 s instead of 10 ms), for `assignee=me` it
    walked the whole queue (150 ms instead of 4). Unprepared statements are planned for
    their values each time.
    """
    connection = connections[using]
    connection.ensure_connection()
    raw = _cursor_class(prepared)(connection.connection)
    raw.adapters.register_loader("timestamptz", _fast_timestamptz_loader())
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return _debug_wrapper_class()(raw, connection)
    return connection.make_cursor(raw)


@cache
def _cursor_class(prepared: bool) -> Any:
    base: Any = ServerBindingCursor

    class HotCursor(base):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            # Django's cursor wrapper cannot pass `prepare`; the connection's threshold is 0.
            return super().execute(query, params, prepare=prepared, **kwargs)

    return HotCursor


@cache
def _debug_wrapper_class() -> Any:
    base: Any = CursorDebugWrapper

    class HotCursorDebugWrapper(base):
        """Logs (and `CaptureQueriesContext` sees) the SQL with its values, as for the ORM's
        cursors: Django reads that from a client-binding cursor, and finds None here."""

        def debug_sql(
            self,
            sql: Any = None,
            params: Any = None,
            use_last_executed_query: bool = False,
            many: bool = False,
        ) -> Any:
            if use_last_executed_query and not many:
                # A value PostgreSQL refuses (DataError) leaves the statement as written.
                with contextlib.suppress(DataError):
                    sql = self.db.ops.compose_sql(sql, params)
            return super().debug_sql(sql, params, use_last_executed_query=False, many=many)

    return HotCursorDebugWrapper


def fetch_pipelined(
    queries: Sequence[tuple[str, Any]], *, prepared: bool = False, using: str = "default"
) -> list[list[tuple[Any, ...]]]:
    """The rows of each query; all of them go to the server in one round trip (libpq
    pipeline mode) instead of one each. They run in order, in the current transaction.
    `prepared`: as for `hot_cursor`."""
    connection = connections[using]
    connection.ensure_connection()
    cursors = [hot_cursor(prepared=prepared, using=using) for _ in queries]
    try:
        with connection.connection.pipeline():
            for cursor, (sql, params) in zip(cursors, queries, strict=True):
                cursor.execute(sql, params)
        return [list(cursor.fetchall()) for cursor in cursors]
    finally:
        for cursor in cursors:
            cursor.close()
