"""The wire calendar: the wire day in its time zone, business days, the value date, and the
holidays staff keep (each change audited)."""

import datetime

from django.db import transaction

from accounts.models import User
from audit import actions
from audit.services import audit_record
from bankcore.cache import get_or_set
from transfers import cache
from transfers.models import BusinessHoliday
from transfers.services.wires.settings import wire_cutoff, wire_time_zone

# The furthest a value date can lie ahead (a run of holidays longer than this is a mistake).
_MAX_VALUE_DATE_DAYS = 31


def day_starts(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``now``'s day and month in the wire time zone."""
    local = now.astimezone(wire_time_zone())
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return day, day.replace(day=1)


def wire_value_date(*, now: datetime.datetime) -> datetime.date:
    """The day a wire made at ``now`` settles: today if that is a business day and the
    cut-off has not passed, else the next business day. Weekends and BusinessHoliday rows
    are not business days. The holidays are cached until one is added or removed."""
    local = now.astimezone(wire_time_zone())
    day = local.date()
    if (local.hour, local.minute) >= wire_cutoff():
        day += datetime.timedelta(days=1)
    holidays = set(get_or_set(cache.wire_holidays(day.isoformat()), lambda: _holidays_from(day)))
    for _ in range(_MAX_VALUE_DATE_DAYS):
        if day.weekday() < 5 and day not in holidays:
            return day
        day += datetime.timedelta(days=1)
    return day


def _holidays_from(day: datetime.date) -> list[datetime.date]:
    last = day + datetime.timedelta(days=_MAX_VALUE_DATE_DAYS)
    return list(BusinessHoliday.objects.filter(date__gte=day, date__lte=last).values_list("date", flat=True))


@transaction.atomic
def business_holiday_add(*, date: datetime.date, name: str, actor: User) -> BusinessHoliday:
    holiday = BusinessHoliday.objects.create(date=date, name=name)
    cache.holidays_changed()
    audit_record(
        action=actions.WIRE_HOLIDAY_ADDED, actor=actor, target=holiday, after={"date": date, "name": name}
    )
    return holiday


@transaction.atomic
def business_holiday_remove(*, holiday: BusinessHoliday, actor: User) -> None:
    audit_record(
        action=actions.WIRE_HOLIDAY_REMOVED,
        actor=actor,
        target=holiday,
        before={"date": holiday.date, "name": holiday.name},
    )
    holiday.delete()
    cache.holidays_changed()
