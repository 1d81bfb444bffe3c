"""The one home for writing rows by the thousand: COPY on PostgreSQL, executemany on SQLite.

Posting an 835, ingesting an 837 and the work-queue producers write thousands of rows per
run. Django's ``bulk_create``/``bulk_update`` spend most of that time compiling SQL one
value at a time; these functions take rows already in database terms (see ``object_rows``
for model instances) and hand them to the driver in one go:

- ``insert(model, names, rows)``: PostgreSQL gets ``COPY ... FROM STDIN`` (psycopg 3's
  ``cursor.copy()``; psycopg spends longer splitting a long multi-row INSERT than the server
  takes to run it); SQLite gets one executemany of a one-row INSERT (sqlite3 loops in C).
- ``reserve_ids(model, count)``: COPY returns no keys, so rows that others refer to get
  theirs first and are inserted with an ``id`` column. PostgreSQL draws them from the
  table's sequence in one query (safe alongside other writers); SQLite takes the next ones
  after both the largest id and AUTOINCREMENT's high-water mark, safe because its write
  transactions are IMMEDIATE (we hold the database's one write lock), which is why it
  insists on a transaction. Keys first on both databases, so a caller builds rows that
  refer to each other the same way on either, and no row is copied to add its key.
- ``insert_objects(model, objs, returning_ids=...)``: the same for model instances, their
  values prepared as ``save`` would, their keys set on them when asked: drawn first on
  PostgreSQL (COPY), but on SQLite given back by multi-row ``INSERT ... RETURNING`` in
  chunks, what claim ingest always did there: measured on a 10,000-claim 837, drawing keys
  and one executemany was about 5% slower.
- ``update(model, names, rows)``: absolute values by primary key (rows are ``(*values,
  pk)``; the caller holds them locked). PostgreSQL: one ``UPDATE ... FROM unnest(arrays)``
  instead of a round trip per row; SQLite: one executemany.
- ``add(model, names, rows)``: relative moves (``name = name + value``), safe unlocked.

Names are field names (``claim`` or ``claim_id`` for a foreign key); values must already be
what the column takes: ids, Decimals, strings, dates, ``db_datetime``/``db_json`` for
timestamps and JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DecimalField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
)


def insert(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``names``; ``id`` among them for rows whose
    keys came from ``reserve_ids``). Rows may be a generator: COPY sends them as they come,
    so the server writes one buffer while Python prepares the next."""
    if isinstance(rows, Sequence) and not rows:
        return
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in _columns(model, tuple(names)))
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, \
                    cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
        cursor.executemany(sql, rows)  # type: ignore[arg-type]  # (sqlite3 takes any iterable)


def insert_objects[M: Model](model: type[M], objs: list[M], *,
                             returning_ids: bool = False) -> list[M]:
    """Model instances, every concrete field, as ``save`` would send them.

    With ``returning_ids`` the keys (``reserve_ids``) are set on the objects, which are then
    saved as after ``bulk_create``; if the insert fails they are taken off again (the
    objects can be saved one by one). Without, nothing refers to the rows afterwards.
    """
    if not objs:
        return objs
    if not returning_ids:
        fields = _fields(model, _insert_names(model, with_key=False))
        insert(model, _names_of(fields), (_prepared(obj, fields) for obj in objs))
        return objs
    try:
        if connection.vendor == "postgresql":
            _copy_with_keys(model, objs)
        else:
            _insert_returning(model, objs)
    except Exception:
        for obj in objs:
            obj.pk = None
        raise
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def _names_of(fields: Sequence[Field[Any, Any]]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)


def _copy_with_keys(model: type[Model], objs: list[Any]) -> None:
    for obj, new_id in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = new_id
    fields = _fields(model, _insert_names(model, with_key=True))
    insert(model, _names_of(fields), (_prepared(obj, fields) for obj in objs))


RETURNING_CHUNK = 500


def _insert_returning(model: type[Model], objs: list[Any]) -> None:
    """SQLite: multi-row ``INSERT ... RETURNING`` the key, given back in row order (as
    ``bulk_create`` relies on too). For instances it beats drawing keys and executemany."""
    fields = _fields(model, _insert_names(model, with_key=False))
    qn = connection.ops.quote_name
    names = ", ".join(qn(str(f.column)) for f in fields)
    head = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES "  # noqa: S608 (names from the model)
    one = f"({', '.join(['%s'] * len(fields))})"
    size = max(1, min(RETURNING_CHUNK, connection.ops.bulk_batch_size(fields, objs)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            part = objs[start:start + size]
            params = [value for obj in part for value in _prepared(obj, fields)]
            cursor.execute(f"{head}{', '.join([one] * len(part))} "
                           f"RETURNING {qn(_pk_column(model))}", params)
            for obj, (new_id,) in zip(part, cursor.fetchall(), strict=True):
                obj.pk = new_id


def object_rows(model: type[Model], objs: Sequence[Model],
                names: Sequence[str]) -> list[list[Any]]:
    """Field values of model instances in database terms, as ``save`` prepares them."""
    fields = _fields(model, tuple(names))
    return [_prepared(obj, fields) for obj in objs]


def db_row(model: type[Model], names: Sequence[str], values: Sequence[Any]) -> list[Any]:
    """Python values (in the order of ``names``) as their columns take them."""
    return [f.get_db_prep_save(value, connection)
            for f, value in zip(_fields(model, tuple(names)), values, strict=True)]


def update(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ... SET names WHERE pk, rows being (*values, pk): absolute values, rows locked."""
    if not rows:
        return
    qn = connection.ops.quote_name
    columns = _columns(model, tuple(names))
    table, pk = qn(model._meta.db_table), qn(_pk_column(model))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, not one round trip per row
            fields = [*_fields(model, tuple(names)), _pk(model)]
            arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
            alias = ", ".join(f"v{i}" for i in range(len(fields)))
            sets = ", ".join(f"{qn(c)} = v.v{i}" for i, c in enumerate(columns))
            cursor.execute(f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({alias}) "  # noqa: S608 (names from the model)
                           f"WHERE {table}.{pk} = v.v{len(columns)}",
                           [list(column) for column in zip(*rows, strict=True)])
            return
        sets = ", ".join(f"{qn(c)} = %s" for c in columns)
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608 (names from the model)


def add(model: type[Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ... SET name = name + %s WHERE pk: relative moves, safe without a lock (F())."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = {qn(c)} + %s" for c in _columns(model, tuple(names)))
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(_pk_column(model))} = %s"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def as_stored[M: Model](obj: M) -> M:
    """Decimals as the database gives them back (to the field's places), so that what is
    built in memory reads (and digests) the same as the row read again."""
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(f, DecimalField) and isinstance(value, Decimal):
            setattr(obj, f.attname, value.quantize(Decimal(1).scaleb(-(f.decimal_places or 0))))
    return obj


def db_datetime(value: datetime) -> Any:
    """A timestamp as the backend's DateTimeField stores it (SQLite: naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def db_json(value: Any) -> str:
    """A JSONField value as text; PostgreSQL's COPY and SQLite both take JSON text."""
    return json.dumps(value)


class NeedsTransaction(RuntimeError):
    """SQLite ids drawn outside a transaction could be taken by another writer meanwhile."""


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new keys for rows the caller then inserts with them (see the module)."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, _pk_column(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                           "FROM generate_series(1, %s)", [table, pk, count])
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise NeedsTransaction(f"Inserting into {table} with ids needs a transaction.")
        qn = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")  # noqa: S608 (names from the model)
        high = int(cursor.fetchone()[0])
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            high = max(high, int(row[0]) if row else 0)
    return list(range(high + 1, high + 1 + count))


def _pk(model: type[Model]) -> Field[Any, Any]:
    pk = model._meta.pk
    assert pk is not None
    return pk


def _pk_column(model: type[Model]) -> str:
    return str(_pk(model).column)


_FIELDS: dict[tuple[type[Model], tuple[str, ...]], list[Field[Any, Any]]] = {}


def _fields(model: type[Model], names: tuple[str, ...]) -> list[Field[Any, Any]]:
    """The fields of ``names``, resolved once per model and names (writes repeat them)."""
    key = (model, names)
    if key not in _FIELDS:
        found = [model._meta.get_field(n) for n in names]
        fields = [f for f in found if isinstance(f, Field) and f.concrete]
        if len(fields) != len(names):
            raise ValueError(f"{model.__name__}: not all of {names} are columns")
        _FIELDS[key] = fields
    return _FIELDS[key]


def _columns(model: type[Model], names: tuple[str, ...]) -> list[str]:
    return [str(f.column) for f in _fields(model, names)]


def _insert_names(model: type[Model], *, with_key: bool) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields if with_key or not f.primary_key)


# fields whose Python value is already what the database takes (strings, ints, bools, ids)
PLAIN_FIELDS = (CharField, IntegerField, BooleanField, ForeignKey)


def _prepared(obj: Model, fields: Sequence[Field[Any, Any]]) -> list[Any]:
    """Field values as ``save`` sends them (a related object saved since it was set, too).

    Plain fields skip the field's preparation (most of its cost here, and a no-op for them);
    decimals, dates, timestamps and JSON go through ``get_db_prep_save``. ``pre_save`` is not
    called (as ``bulk_update`` does not): no model of rcmdesk has an ``auto_now`` field.
    """
    values = []
    for f in fields:
        if isinstance(f, PLAIN_FIELDS):
            value = getattr(obj, f.attname)
            if value is None and isinstance(f, ForeignKey) and f.is_cached(obj):
                related = f.get_cached_value(obj)
                value = related.pk if related is not None else None
                setattr(obj, f.attname, value)
            values.append(value)
        else:
            values.append(f.get_db_prep_save(getattr(obj, f.attname), connection))
    return values
