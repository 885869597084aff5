"""``field__any=[...]``: an integer column (or foreign key) equal to any of a list
of ids, sent as one array parameter.

``field__in`` sends one placeholder per value. For the thousand or so ids of
a search's candidates, or the hundreds of cells a member of a large network
reads, that is a long SQL text that Django builds and the driver splits on
every request; ``= ANY(%s)`` is one parameter, and PostgreSQL plans it the
same way (it turns ``IN (...)`` into ``= ANY`` itself).
"""

from __future__ import annotations

from typing import Any

from django.db.models import ForeignKey, IntegerField, Lookup


@ForeignKey.register_lookup
@IntegerField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [[int(item) for item in value]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # Typed as the column: the driver sends small numbers as smallint[],
        # and PostgreSQL compares bigint to smallint elements one by one, where
        # with bigint[] it hashes the list (half the time over 20,000 rows).
        array_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY({rhs}::{array_type}[])", [*lhs_params, *rhs_params]
