"""Working days: Indonesian public holidays and cuti bersama from `holidays`, in the region's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

ZONES = {"WIB": ZoneInfo("Asia/Jakarta"), "WITA": ZoneInfo("Asia/Makassar"), "WIT": ZoneInfo("Asia/Jayapura")}


@cache
def _holidays(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(calendar)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def local_date(moment: datetime, zona_waktu: str) -> date:
    """The calendar date of `moment` in the region's zone (WIB, WITA or WIT; WIB when unknown)."""
    return moment.astimezone(ZONES.get(zona_waktu, ZONES["WIB"])).date()


def today_in(zona_waktu: str, now: datetime | None = None) -> date:
    """Today in the region's zone: `today_in(tenant.zona_waktu)`; `now` for a fixed moment (tests, jobs)."""
    return local_date(now or datetime.now(UTC), zona_waktu)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
