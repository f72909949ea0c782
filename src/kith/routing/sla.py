"""SLA due times counted in a department's working hours.

Why working minutes and not wall-clock minutes: a complaint that arrives on Friday at 16:30 with a four-hour
SLA is not overdue on Friday evening when the team works 09:00 to 17:00 on weekdays; it is due on Monday at
12:30. All arithmetic happens in UTC (aware datetimes of one zone subtract as wall clocks in Python, which
is wrong across a DST change); the zone is only used to find where each working day starts and ends.

Working hours: ``{"tz": "Europe/Berlin", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}``
(Monday = 0); ``{}`` means around the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_SLA_MINUTES = {"urgent": 60, "high": 240, "normal": 480, "low": 1440}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_DAYS = 3700  # ten years of calendar: a guard, never reached with at least one working day
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class WorkingHoursError(ValueError):
    """Working hours that cannot work; the message says which part and what to write."""


@dataclass(frozen=True)
class WorkingHours:
    zone: ZoneInfo
    days: frozenset[int]
    start: time
    end: time

    def describe(self) -> str:
        days = ", ".join(DAY_NAMES[d] for d in sorted(self.days))
        return f"{days} {self.start:%H:%M}–{self.end:%H:%M} {self.zone.key}"


def parse_working_hours(raw: dict[str, Any] | None) -> WorkingHours | None:
    """``None`` for around the clock; raises :class:`WorkingHoursError` for a broken setting."""
    if not raw:
        return None
    try:
        zone = ZoneInfo(str(raw.get("tz") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        raise WorkingHoursError(f"unknown time zone {raw.get('tz')!r}; use a name such as Europe/Berlin") from None
    days = raw.get("days", [0, 1, 2, 3, 4])
    if not isinstance(days, list) or not days or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
        raise WorkingHoursError("days must list at least one weekday number, Monday = 0 … Sunday = 6")
    start, end = _clock(raw.get("start", "09:00"), "start"), _clock(raw.get("end", "17:00"), "end")
    if end <= start:
        raise WorkingHoursError("the working day must end after it starts (e.g. 09:00 to 17:00)")
    return WorkingHours(zone, frozenset(days), start, end)


def _clock(value: Any, what: str) -> time:
    found = _CLOCK.fullmatch(str(value).strip())
    if found is None:
        raise WorkingHoursError(f"{what} must be a time such as 09:00, not {value!r}")
    return time(int(found.group(1)), int(found.group(2)))


def describe(raw: dict[str, Any] | None) -> str:
    hours = parse_working_hours(raw)
    return "around the clock" if hours is None else hours.describe()


def _window(day: date, hours: WorkingHours) -> tuple[datetime, datetime]:
    """The working window of a local calendar day, in UTC."""
    start = datetime.combine(day, hours.start, tzinfo=hours.zone).astimezone(UTC)
    end = datetime.combine(day, hours.end, tzinfo=hours.zone).astimezone(UTC)
    return start, end


def add_working_minutes(start: datetime, minutes: int, raw_hours: dict[str, Any] | None) -> datetime:
    """``start`` plus ``minutes`` of working time (in UTC). Time outside working hours does not count."""
    begin = start.astimezone(UTC)
    hours = parse_working_hours(raw_hours)
    if hours is None:
        return begin + timedelta(minutes=minutes)
    remaining = timedelta(minutes=max(0, minutes))
    cursor = begin
    day = begin.astimezone(hours.zone).date()
    for _ in range(MAX_DAYS):
        if day.weekday() in hours.days:
            open_at, close_at = _window(day, hours)
            cursor = max(cursor, open_at)
            if cursor < close_at:
                available = close_at - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        day += timedelta(days=1)
    raise WorkingHoursError("no working time found within ten years; check the working days")  # pragma: no cover


def sla_minutes_for(priority: str, configured: dict[str, Any] | None) -> tuple[int, str]:
    """Working minutes for ``priority`` and where the number came from (the department, or the default)."""
    value = (configured or {}).get(priority)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, "department"
    return DEFAULT_SLA_MINUTES.get(priority, DEFAULT_SLA_MINUTES["normal"]), "default"
