"""Rows written in SQL that bankcore's services build themselves, where one statement does
what the ORM would do in several (or with far more Python around it)."""

import functools
from collections.abc import Mapping, Sequence

from django.db import connection, models
from django.db.models.signals import post_save, pre_save


@functools.cache
def _insert_shape(model: type[models.Model], vendor: str) -> tuple[list, str, str]:
    """The fields a model's INSERT writes (all but its primary key), the statement's head
    (quoted table and columns) and the quoted primary key column: the same for every row of
    the model, so made once (``vendor``, whose quoting it uses, is in the cache's key)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    return fields, head, quote(meta.pk.column)


def row_insert(
    obj: models.Model, *, expressions: Mapping[str, tuple[str, Sequence]] | None = None
) -> tuple[str, list]:
    """The INSERT of the unsaved ``obj``, returning its ``id``: each column as the ORM would
    save it, or as the SQL expression (and parameters) ``expressions`` gives for its attname."""
    expressions = expressions or {}
    fields, head, pk = _insert_shape(type(obj), connection.vendor)
    values, params = [], []
    for f in fields:
        if f.attname in expressions:
            expression, expression_params = expressions[f.attname]
            values.append(expression)
            params += expression_params
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    # Table and column names are the model's, every value is a parameter.
    return f"{head} VALUES ({', '.join(values)}) RETURNING {pk}", params


def new_row_insert(obj: models.Model) -> None:
    """Save the new ``obj`` as ``obj.save(force_insert=True)`` does, by its own INSERT ...
    RETURNING on PostgreSQL (``row_insert``): a third of the ORM's CPU, for rows written on
    every money-moving request (an Idempotency-Key's claim, an audit event). Elsewhere, or
    when anything listens to the model's save signals (which this does not send), the ORM
    saves it. Only for models whose ``save`` adds nothing to the ORM's but a refusal of
    rows that are not new."""
    model = type(obj)
    if connection.vendor != "postgresql" or pre_save.has_listeners(model) or post_save.has_listeners(model):
        obj.save(force_insert=True)
        return
    sql, params = row_insert(obj)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding, obj._state.db = False, connection.alias
