"""Plain INSERTs and UPDATEs (one executemany each) for rows posting writes by the thousand.

Django's ``bulk_create``/``bulk_update`` spend most of their time compiling SQL one value at
a time; these take the same model instances and fields, prepare each value the way Django
saves it (``pre_save`` then ``get_db_prep_save``), and send one executemany of a one-row
statement (sqlite3 loops in C; PostgreSQL gets a COPY). Inserts return no
primary keys: use them only for rows nothing else in the batch refers to. Updates write
absolute values: the caller holds the rows locked.
"""

from __future__ import annotations

from collections.abc import Sequence
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
