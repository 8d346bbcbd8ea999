"""Updating many rows with different values in one statement.

Django's `bulk_update` builds a CASE expression per field and row, which costs more Python time than the
renewal itself; on PostgreSQL `update_rows` sends one `UPDATE … FROM (VALUES …)` instead. Other databases
(the embedded SQLite default) use `bulk_update`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router


def update_rows(rows: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Save `fields` of every row (all of one model) in one statement."""
    if not rows:
        return
    model = type(rows[0])
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql":
        model._default_manager.db_manager(db).bulk_update(rows, list(fields))
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns: list[models.Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field), f"{name} is not a concrete column"
        columns.append(field)
    typed: list[models.Field[Any, Any]] = [pk, *columns]
    casts = [f"%s::{field.db_type(connection)}" for field in typed]
    values_sql = ", ".join(f"({', '.join(casts)})" for _ in rows)
    params: list[Any] = []
    for row in rows:
        for field in typed:
            value = getattr(row, field.attname)
            params.append(field.get_db_prep_save(value, connection))
    quote = connection.ops.quote_name
    names = ", ".join(quote(f"c{i}") for i in range(len(typed)))
    assignments = ", ".join(
        f"{quote(field.column)} = v.{quote(f'c{i + 1}')}" for i, field in enumerate(columns)
    )
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} FROM (VALUES {values_sql}) AS v({names}) "
        f"WHERE t.{quote(pk.column)} = v.{quote('c0')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
