"""Rows written in SQL that bankcore's services build themselves, where one statement does
what the ORM would do in several (or with far more Python around it)."""

import functools
from collections.abc import Mapping, Sequence

from django.db import connection, models, transaction
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
    fields, head, pk = _insert_shape(type(obj), connection.vendor)
    values, params = _row_values(obj, fields, expressions or {})
    # Table and column names are the model's, every value is a parameter.
    return f"{head} VALUES {values} RETURNING {pk}", params


def _row_values(
    obj: models.Model, fields: list, expressions: Mapping[str, tuple[str, Sequence]]
) -> tuple[str, list]:
    """One row's ``(…)`` of an INSERT and its parameters: each column as the ORM would save
    it, or as the SQL expression ``expressions`` gives for its attname."""
    values, params = [], []
    for f in fields:
        if f.attname in expressions:
            expression, expression_params = expressions[f.attname]
            values.append(expression)
            params += expression_params
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    return f"({', '.join(values)})", params


def _left_to_the_orm(objs: Sequence[models.Model]) -> bool:
    """Whether bankcore's own INSERT would not write what the ORM writes for ``objs`` (all of
    one model): not PostgreSQL, a primary key given, a database that fills columns of its own
    or a parent table, save signals with a listener."""
    model = type(objs[0])
    return (
        connection.vendor != "postgresql"
        or any(obj.pk is not None for obj in objs)
        or not _plain_insert(model)
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    )


def new_row_insert(obj: models.Model) -> None:
    """Save the new ``obj`` as ``obj.save(force_insert=True)`` does, by its own INSERT ...
    RETURNING on PostgreSQL (``row_insert``): a third of the ORM's CPU, for rows written on
    every money-moving request (an Idempotency-Key's claim, an audit event). Only for models
    whose ``save`` adds nothing to the ORM's but a refusal of rows that are not new.

    The ORM saves it instead elsewhere, and wherever this INSERT would not write what the
    ORM writes: a model whose save signals have a listener (they are not sent here), an
    object with its primary key already set, a model whose database fills columns of its
    own (``db_default``, generated fields) or that inherits another's table. As the ORM, it
    refuses a related object that is not saved yet, and an error marks the caller's
    transaction for rollback."""
    if _left_to_the_orm([obj]):
        obj.save(force_insert=True)
        return
    obj._prepare_related_fields_for_save(operation_name="save")
    sql, params = row_insert(obj)
    with transaction.mark_for_rollback_on_error(connection.alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding, obj._state.db = False, connection.alias


def new_rows_insert(objs: Sequence[models.Model]) -> None:
    """Save the new ``objs``, all of one model, in this order, by one INSERT ... VALUES (...),
    (...) RETURNING on PostgreSQL, as ``new_row_insert`` saves one. Where it would leave the
    row to the ORM, the ORM writes them: one by one when save signals have a listener (which
    ``bulk_create`` would not send), else by ``bulk_create``, one statement too."""
    if not objs:
        return
    model = type(objs[0])
    if len(objs) == 1:
        new_row_insert(objs[0])
        return
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        for obj in objs:  # each saved by the ORM, which sends the signals bulk_create would not
            obj.save(force_insert=True)
        return
    if _left_to_the_orm(objs):
        model._default_manager.bulk_create(objs)
        return
    fields, head, pk = _insert_shape(model, connection.vendor)
    rows, params = [], []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="save")
        values, row_params = _row_values(obj, fields, {})
        rows.append(values)
        params += row_params
    # PostgreSQL returns a multi-row VALUES's rows in their order (Django's bulk_create relies
    # on it too).
    sql = f"{head} VALUES {', '.join(rows)} RETURNING {pk}"
    with transaction.mark_for_rollback_on_error(connection.alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    for obj, (pk_value,) in zip(objs, returned, strict=True):
        obj.pk = pk_value
        obj._state.adding, obj._state.db = False, connection.alias


@functools.cache
def _plain_insert(model: type[models.Model]) -> bool:
    """Whether the model's INSERT returns only its primary key and writes one table."""
    meta = model._meta
    return not meta.parents and not any(f.db_returning for f in meta.concrete_fields if not f.primary_key)


def rows_delete_in_batches(queryset: models.QuerySet, *, batch: int = 5000, progress=None) -> int:
    """Delete ``queryset``'s rows ``batch`` at a time, each batch its own short statement (and
    Django's cascades loaded for one batch only, never for the whole set); returns how many
    rows of its model went. ``progress`` is told of each batch."""
    model = queryset.model
    deleted = 0
    while keys := list(queryset.values_list("pk", flat=True)[:batch]):
        _, by_model = model._default_manager.filter(pk__in=keys).delete()
        gone = by_model.get(model._meta.label, 0)
        deleted += gone
        if progress is not None:
            progress(gone)
        if not gone:
            break
    return deleted
