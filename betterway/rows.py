"""Reads of one row that every request makes, written once rather than built each time.

Each request reads its session and then its user. Through the ORM, Django
builds and compiles the same SELECT for each: about 0.4 ms of Python apiece
on a small server, more than PostgreSQL takes to answer. A ``RowReader``
holds the statement, so a request pays only for the round trip and the
instance. Kept to these hot, fixed-shape reads: everywhere else the ORM's
clarity is worth its cost.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)


class RowReader(Generic[M]):
    """The row of ``model`` meeting ``condition``, or None.

    ``condition`` is SQL over the model's columns with ``%s`` for each value,
    and picks a row by a unique key, e.g. ``"id = %s"``. Every concrete field
    is read, so the instance is the same as the ORM's ``get()`` returns.
    """

    def __init__(self, model: type[M], condition: str) -> None:
        self.model = model
        self.condition = condition

    @cached_property
    def _fields(self) -> list[str]:
        return [field.attname for field in self.model._meta.concrete_fields]

    @cached_property
    def _sql(self) -> str:
        opts = self.model._meta
        quote = connections[router.db_for_read(self.model)].ops.quote_name
        columns = ", ".join(quote(field.column) for field in opts.concrete_fields)
        # Column and table names from the model, the condition from this module's
        # callers: no value from a request is written into the statement.
        return f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {self.condition}"  # noqa: S608

    def get(self, *values: Any) -> M | None:
        using = router.db_for_read(self.model)
        with connections[using].cursor() as cursor:
            cursor.execute(self._sql, values)
            row = cursor.fetchone()
        return None if row is None else self.model.from_db(using, self._fields, row)
