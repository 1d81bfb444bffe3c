"""Plain INSERTs and UPDATEs (one executemany each) for rows posting writes by the thousand.

Django's ``bulk_create``/``bulk_update`` spend most of their time compiling SQL one value at
a time; these take the same model instances and fields, prepare each value the way Django
saves it (``pre_save`` then ``get_db_prep_save``), and send one executemany of a one-row
statement (sqlite3 loops in C; PostgreSQL gets a COPY). Inserts return no
primary keys: use them only for rows nothing else in the batch refers to. Updates write
absolute values: the caller holds the rows locked.

The ``*_values``/``reserve_ids`` functions skip model instances altogether: the caller hands
rows already in database terms (ids for foreign keys, Decimals, str, dates), column order
given by field names, which is what posting an 835 of thousands of claims does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import DecimalField, Field, ForeignKey, Model


def as_stored[M: Model](obj: M) -> M:
    """Decimals as the database gives them back (to the field's places), so that what is
    built in memory reads (and digests) the same as the row read again."""
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(f, DecimalField) and isinstance(value, Decimal):
            setattr(obj, f.attname, value.quantize(Decimal(1).scaleb(-(f.decimal_places or 0))))
    return obj


def insert(model: type[Model], objs: Sequence[Model]) -> None:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    _insert(model, [str(f.column) for f in fields], [_values(obj, fields) for obj in objs])


def insert_with_ids(model: type[Model], objs: Sequence[Model]) -> None:
    """Rows other rows will refer to: their primary keys are set on the objects.

    PostgreSQL: the ids are drawn from the table's sequence in one query, then COPY.
    Elsewhere: ``bulk_create`` (SQLite returns the ids).
    """
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=CHUNK)
        return
    if not objs:
        return
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [model._meta.db_table, pk.column, len(objs)])
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = new_id
            obj._state.adding, obj._state.db = False, connection.alias
    fields = list(model._meta.concrete_fields)
    _insert(model, [str(f.column) for f in fields], [_values(obj, fields) for obj in objs])


CHUNK = 500


def insert_values(model: type[Model], names: Sequence[str],
                  rows: Sequence[Sequence[Any]]) -> None:
    """Rows already in database terms (ids for foreign keys, Decimals, strings)."""
    fields = [model._meta.get_field(name) for name in names]
    _insert(model, [str(f.column) for f in fields], rows)  # type: ignore[union-attr]


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` primary keys for rows the caller will insert with explicit ids.

    PostgreSQL draws them from the table's sequence (safe alongside other writers).
    SQLite: the next ids after both the largest id and AUTOINCREMENT's high-water mark,
    safe because write transactions are IMMEDIATE (we hold the database's write lock).
    """
    if count <= 0:
        return []
    pk = model._meta.pk
    assert pk is not None
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, pk.column, count])
            return [row[0] for row in cursor.fetchall()]
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({qn(str(pk.column))}), 0) FROM {qn(table)}")  # noqa: S608 (names from the model)
        high = int(cursor.fetchone()[0])
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            high = max(high, int(row[0]) if row else 0)
    return list(range(high + 1, high + 1 + count))


def insert_rows(model: type[Model], names: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """As ``insert_values``; the column list is resolved once per model and names."""
    _insert(model, _columns(model, tuple(names)), rows)


_COLUMNS: dict[tuple[type[Model], tuple[str, ...]], list[str]] = {}


def _columns(model: type[Model], names: tuple[str, ...]) -> list[str]:
    key = (model, names)
    if key not in _COLUMNS:
        _COLUMNS[key] = [str(model._meta.get_field(n).column) for n in names]  # type: ignore[union-attr]
    return _COLUMNS[key]


def update_values(model: type[Model], names: Sequence[str],
                  rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ... SET names WHERE pk, rows being (*values, pk): absolute values, rows locked."""
    if not rows:
        return
    meta = model._meta
    assert meta.pk is not None
    qn = connection.ops.quote_name
    columns = _columns(model, tuple(names))
    table, where = qn(meta.db_table), qn(str(meta.pk.column))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, not one round trip per row
            fields = [meta.get_field(n) for n in names] + [meta.pk]
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            alias = ", ".join(f"v{i}" for i in range(len(fields)))
            sets = ", ".join(f"{qn(c)} = v.v{i}" for i, c in enumerate(columns))
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({alias}) "  # noqa: S608 (names from the model)
                           f"WHERE {table}.{where} = v.v{len(columns)}",
                           [list(column) for column in zip(*rows, strict=True)])
            return
        sets = ", ".join(f"{qn(c)} = %s" for c in columns)
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {where} = %s", rows)  # noqa: S608 (names from the model)


def add_values(model: type[Model], names: Sequence[str],
               rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ... SET name = name + %s WHERE pk: relative moves, safe without a lock (F())."""
    if not rows:
        return
    meta = model._meta
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = {qn(c)} + %s" for c in _columns(model, tuple(names)))
    where = qn(str(meta.pk.column)) if meta.pk else "id"
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {where} = %s", rows)  # noqa: S608 (names from the model)


def db_datetime(value: datetime) -> Any:
    """A timestamp as the backend's DateTimeField stores it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def db_json(value: Any) -> str:
    """A JSONField value as text; PostgreSQL's COPY and SQLite both take JSON text."""
    return json.dumps(value)


def _insert(model: type[Model], columns: list[str], rows: Sequence[Sequence[Any]]) -> None:
    """COPY on PostgreSQL (psycopg 3), else one executemany of a one-row INSERT."""
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors,  \
                    cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608 (names from the model)


def update(model: type[Model], objs: Sequence[Model], names: Sequence[str]) -> None:
    if not objs:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f.name in names]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)
    where = qn(str(meta.pk.column)) if meta.pk else "id"
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {where} = %s"  # noqa: S608 (names from the model)
    rows = [[*_values(obj, fields), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _values(obj: Model, fields: Sequence[Field[Any, Any]]) -> list[Any]:
    values = []
    for f in fields:
        if isinstance(f, ForeignKey) and getattr(obj, f.attname) is None and f.is_cached(obj):
            related = f.get_cached_value(obj)
            setattr(obj, f.attname, related.pk if related is not None else None)
        values.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    return values
