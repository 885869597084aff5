"""Reads of one row that every request makes, written once rather than built each time.

Each request reads its session and then its user; a cell's page its cell, a
meeting's page its meeting and cell, the dashboard its member's subscriber.
Through the ORM, Django builds and compiles the same SELECT for each: about
0.4 ms of Python apiece on a small server (1 ms with a join), more than
PostgreSQL takes to answer. A ``RowReader`` holds the statement, so a request
pays only for the round trip and the instance. Kept to these hot, fixed-shape
reads: everywhere else the ORM's clarity is worth its cost.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Generic, TypeVar, cast

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


class RowReader(Generic[M]):
    """The row of ``model`` meeting ``condition``, or None.

    ``condition`` is SQL over the model's columns with ``%s`` for each value,
    and picks a row by a unique key, e.g. ``"id = %s"``. Every concrete field
    is read, so the instance is the same as the ORM's ``get()`` returns.

    With ``related``, the name of a required foreign key, the row it points to
    is read in the same statement and kept on the instance, as
    ``select_related`` keeps it; the condition then names each column with its
    table (``"cells_cell"."slug" = %s``).
    """

    def __init__(self, model: type[M], condition: str, related: str | None = None) -> None:
        self.model = model
        self.condition = condition
        self.related = related

    @cached_property
    def _foreign_key(self) -> models.ForeignKey[Any, Any] | None:
        if self.related is None:
            return None
        field = self.model._meta.get_field(self.related)
        # Joined, not outer-joined: a row without its related row is no row.
        if not isinstance(field, models.ForeignKey) or field.null:
            raise ValueError(f"{self.related} is not a required foreign key")
        return field

    @cached_property
    def _fields(self) -> list[str]:
        return [field.attname for field in self.model._meta.concrete_fields]

    @cached_property
    def _related_model(self) -> type[models.Model]:
        assert self._foreign_key is not None
        return cast(type[models.Model], self._foreign_key.related_model)

    @cached_property
    def _related_fields(self) -> list[str]:
        return [field.attname for field in self._related_model._meta.concrete_fields]

    @cached_property
    def _sql(self) -> str:
        quote = connections[router.db_for_read(self.model)].ops.quote_name
        opts = self.model._meta
        table = quote(opts.db_table)
        if self._foreign_key is None:
            columns = ", ".join(quote(field.column) for field in opts.concrete_fields)
            source = table
        else:
            related = self._related_model._meta
            related_table = quote(related.db_table)
            columns = ", ".join(
                [f"{table}.{quote(field.column)}" for field in opts.concrete_fields]
                + [f"{related_table}.{quote(field.column)}" for field in related.concrete_fields]
            )
            target = quote(self._foreign_key.target_field.column)
            source = (
                f"{table} JOIN {related_table} ON "
                f"{related_table}.{target} = {table}.{quote(self._foreign_key.column)}"
            )
        # Column and table names from the models, the condition from this module's
        # callers: no value from a request is written into the statement.
        return f"SELECT {columns} FROM {source} WHERE {self.condition}"  # noqa: S608

    def get(self, *values: Any) -> M | None:
        using = router.db_for_read(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(self._sql, values)
            row = cursor.fetchone()
        if row is None:
            return None
        own = len(self._fields)
        instance = self.model.from_db(using, self._fields, row[:own])
        if self._foreign_key is not None:
            related = self._related_model.from_db(using, self._related_fields, row[own:])
            self._foreign_key.set_cached_value(instance, related)
        return instance
