"""Writing many rows in one statement, without Django's per-value preparation.

Django's `bulk_create` and `bulk_update` prepare every value of every row through the field's methods and
send one placeholder per value; for a batch of renewals that costs more Python time than the renewal itself.
On PostgreSQL `insert_rows` and `update_rows` send the whole batch as one JSON document instead, turned into
rows by the server (`json_to_recordset`), with each value converted once by the type of its column. Other
databases (the embedded SQLite default) use `bulk_create` and `bulk_update`.

Either way, after the write each row holds its decimals as a read would return them (on PostgreSQL at the
column's scale, rounded as the server rounds; elsewhere read back): a row passed on in memory then equals the
same row read back, so a step that gets it from the step before behaves as the crash-resume path that reads
it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init

M = TypeVar("M", bound=models.Model)
Convert = Callable[[Any], Any]

CHUNK = 2000
"""Rows per statement: a batch of renewals fits in one; a bigger call is split so no statement grows
without bound."""


def made(model: type[M], /, **values: Any) -> M:
    """`model(**values)`, unsaved, made faster: Django's keyword path tries each field against the keywords
    (an exception for every field not given) and costs a renewal batch about as much as its pricing. Every
    concrete field not given takes its default, as there; a relation may be given as its object (`invoice=…`,
    then cached on the row as Django does) or as its key (`invoice_id=…`). Only fields: a property setter is
    not called (an unknown name is a TypeError). A model with init signals connected takes Django's path."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    state: dict[str, Any] = {}
    parents: list[tuple[models.ForeignKey[Any, Any], models.Model | None]] = []
    for field in model._meta.concrete_fields:
        if field.attname in values:
            state[field.attname] = values.pop(field.attname)
        elif field.name in values and isinstance(field, models.ForeignKey):
            parent = values.pop(field.name)
            state[field.attname] = None if parent is None else getattr(parent, field.target_field.attname)
            parents.append((field, parent))
        else:
            state[field.attname] = field.get_default()
    if values:
        raise TypeError(f"{model.__name__}() got unexpected keyword arguments: {', '.join(sorted(values))}")
    row = model.__new__(model)
    row._state = ModelState()
    row.__dict__.update(state)
    for relation, parent in parents:
        relation.set_cached_value(row, parent)
    return row


def insert_rows(rows: Sequence[M], *, using: str | None = None) -> None:
    """Insert new `rows` (all of one model) and set their primary keys, as `bulk_create` does: every concrete
    field is written (model defaults were applied when the rows were made), no signals are sent."""
    if not rows:
        return
    model = type(rows[0])
    db = using or router.db_for_write(model)
    connection = connections[db]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    # The key comes from the database (an AutoField); a model that brings its own keys takes Django's path.
    fields = [f for f in meta.concrete_fields if f is not pk]
    converters = _converters(fields, connection) if isinstance(pk, models.AutoField) else None
    if converters is None:
        model._default_manager.db_manager(db).bulk_create(rows)
        _read_back_decimals(rows, fields, db)
        return
    parents = [f for f in fields if isinstance(f, models.ForeignKey)]
    for row in rows:
        if row.pk is not None:
            raise ValueError(f"insert_rows: {row!r} has a primary key already")
        _take_parent_keys(row, parents)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(_value(field, i) for i, field in enumerate(fields))
    # ORDER BY the position in the document: the keys come back in the order of the rows.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {values} "
        f"FROM ROWS FROM (json_to_recordset(%s::json) AS ({_recordset(fields, connection)})) "
        f"WITH ORDINALITY AS v ORDER BY v.ordinality RETURNING {quote(pk.column)}"
    )
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        with connection.cursor() as cursor:
            cursor.execute(sql, [_document(chunk, fields, converters)])
            keys = [key for (key,) in cursor.fetchall()]
        if len(keys) != len(chunk):
            raise RuntimeError(f"insert_rows: {len(chunk)} rows sent, {len(keys)} keys returned")
        for row, key in zip(chunk, keys, strict=True):
            setattr(row, pk.attname, key)
            row._state.adding = False
            row._state.db = db
    _as_read(rows, fields)


def update_rows(rows: Sequence[models.Model], fields: Sequence[str], *, using: str | None = None) -> None:
    """Save `fields` of every row (all of one model, each with its primary key) in one statement."""
    if not rows:
        return
    model = type(rows[0])
    db = using or router.db_for_write(model)
    connection = connections[db]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    columns: list[models.Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field) and field.concrete, f"{name} is not a concrete column"
        columns.append(field)
    typed: list[models.Field[Any, Any]] = [pk, *columns]
    converters = _converters(typed, connection)
    if converters is None:
        model._default_manager.db_manager(db).bulk_update(rows, list(fields))
        _read_back_decimals(rows, columns, db)
        return
    parents = [f for f in columns if isinstance(f, models.ForeignKey)]
    for row in rows:
        _take_parent_keys(row, parents)
    quote = connection.ops.quote_name
    assignments = ", ".join(
        f"{quote(field.column)} = {_value(field, i)}" for i, field in enumerate(typed) if i > 0
    )
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM json_to_recordset(%s::json) AS v({_recordset(typed, connection)}) "
        f"WHERE t.{quote(pk.column)} = v.c0"
    )
    for start in range(0, len(rows), CHUNK):
        with connection.cursor() as cursor:
            cursor.execute(sql, [_document(rows[start : start + CHUNK], typed, converters)])
    _as_read(rows, columns)


# ------------------------------------------------------------------------------------------ PostgreSQL


def _converters(
    fields: Sequence[models.Field[Any, Any]], connection: BaseDatabaseWrapper
) -> list[Convert] | None:
    """How each field's Python value becomes a JSON value its column type reads; None when the database is
    not PostgreSQL or a field is of a type this module does not know (then Django's own path is taken)."""
    if connection.vendor != "postgresql":
        return None
    found: list[Convert] = []
    for field in fields:
        convert = _CONVERTERS.get(field.get_internal_type())
        if convert is None:
            return None
        if isinstance(field, models.JSONField):
            found.append(_json_text(field))
        else:
            found.append(convert)
    return found


def _same(value: Any) -> Any:
    return value


def _decimal(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float):
        raise TypeError(f"a float ({value!r}) for a decimal column; money is Decimal")
    return str(value)


def _date(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        raise TypeError(f"a datetime ({value!r}) for a date column")
    return value.isoformat()


def _datetime(value: Any) -> Any:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"a naive datetime ({value!r}): time is timezone-aware")
    return value.isoformat()


def _json_text(field: models.JSONField[Any]) -> Convert:
    encoder = field.encoder

    def convert(value: Any) -> Any:
        # Sent as text and cast to jsonb by the statement, so the field's own encoder decides the JSON.
        return None if value is None else json.dumps(value, cls=encoder)

    return convert


_CONVERTERS: dict[str, Convert] = {
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "CharField",
            "TextField",
            "EmailField",
            "SlugField",
            "URLField",
            "BooleanField",
            "ForeignKey",
        ),
        _same,
    ),
    "DecimalField": _decimal,
    "DateField": _date,
    "DateTimeField": _datetime,
    "JSONField": _same,  # replaced by the field's own `_json_text`
}


def _recordset(fields: Sequence[models.Field[Any, Any]], connection: BaseDatabaseWrapper) -> str:
    """The columns `json_to_recordset` makes of the document: c0, c1, … typed as the fields' columns (JSON
    as text, see `_json_text`)."""
    return ", ".join(
        f"c{i} {'text' if isinstance(f, models.JSONField) else f.db_type(connection)}"
        for i, f in enumerate(fields)
    )


def _value(field: models.Field[Any, Any], position: int) -> str:
    return f"v.c{position}::jsonb" if isinstance(field, models.JSONField) else f"v.c{position}"


def _document(
    rows: Sequence[models.Model], fields: Sequence[models.Field[Any, Any]], converters: Sequence[Convert]
) -> str:
    """The rows as one JSON array of objects keyed c0, c1, … (what `json_to_recordset` reads; keys this
    short keep the document small and quick to write)."""
    keys = [f"c{i}" for i in range(len(fields))]
    read = attrgetter(*[f.attname for f in fields])
    converted = [(i, convert) for i, convert in enumerate(converters) if convert is not _same]
    objects = []
    for row in rows:
        values = list(read(row)) if len(fields) > 1 else [read(row)]
        for i, convert in converted:
            values[i] = convert(values[i])
        objects.append(dict(zip(keys, values, strict=True)))
    return json.dumps(objects, separators=(",", ":"))


def _take_parent_keys(row: models.Model, relations: Sequence[models.ForeignKey[Any, Any]]) -> None:
    """A row made with a parent object before that parent was saved takes the parent's key now (as `save`
    and `bulk_create` do)."""
    for field in relations:
        if getattr(row, field.attname) is None and field.is_cached(row):
            parent = field.get_cached_value(row)
            if parent is not None:
                if parent.pk is None:
                    raise ValueError(f"insert_rows: {field.name} of {row!r} is not saved yet")
                setattr(row, field.attname, parent.pk)


def _as_read(rows: Sequence[models.Model], fields: Sequence[models.Field[Any, Any]]) -> None:
    """Give the rows' decimals the scale a read from PostgreSQL returns (it rounds numeric input half away
    from zero), so a row kept in memory equals the row read back."""
    scales = [
        (f.attname, Decimal(1).scaleb(-f.decimal_places))
        for f in fields
        if isinstance(f, models.DecimalField) and f.decimal_places is not None
    ]
    if not scales:
        return
    for row in rows:
        for attname, exponent in scales:
            value = getattr(row, attname)
            if value is not None:
                setattr(row, attname, Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP))


# ----------------------------------------------------------------------------------------- elsewhere


def _read_back_decimals(
    rows: Sequence[models.Model], fields: Sequence[models.Field[Any, Any]], db: str
) -> None:
    """The rows' decimals as the database gave them back: SQLite keeps a decimal as a float, so what a read
    returns is read, not worked out."""
    names = [f.attname for f in fields if isinstance(f, models.DecimalField)]
    if not names:
        return
    model = type(rows[0])
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        stored = {
            values[0]: values[1:]
            for values in model._default_manager.using(db)
            .filter(pk__in=[row.pk for row in chunk])
            .values_list("pk", *names)
        }
        for row in chunk:
            for name, value in zip(names, stored[row.pk], strict=True):
                setattr(row, name, value)
