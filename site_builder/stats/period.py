"""A period of days for `stats`: a year, a quarter, a month or any range, and how it is
said in Chinese (2024年, 2024年第二季度, 2024年3月, 2024年1月至6月)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

QUARTER_NAMES = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # included

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends before it starts: {self.start} > {self.end}")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * quarter - 2
        return cls(dt.date(year, first, 1), month_end(year, first + 2))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), month_end(year, month))

    @property
    def quarters(self) -> tuple[Period, ...]:
        """The four quarters of a year period."""
        return tuple(Period.quarter(self.start.year, q) for q in range(1, 5))

    @property
    def whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end.year, self.end.month)

    @property
    def phrase(self) -> str:
        """The period as a work summary says it."""
        s, e = self.start, self.end
        if self.whole_months:
            if s.year == e.year:
                if (s.month, e.month) == (1, 12):
                    return f"{s.year}年"
                if s.month == e.month:
                    return f"{s.year}年{s.month}月"
                if s.month % 3 == 1 and e.month == s.month + 2:
                    return f"{s.year}年{QUARTER_NAMES[s.month // 3]}"
                return f"{s.year}年{s.month}月至{e.month}月"
            if (s.month, e.month) == (1, 12):
                return f"{s.year}年至{e.year}年"
            return f"{s.year}年{s.month}月至{e.year}年{e.month}月"
        if s == e:
            return f"{s.year}年{s.month}月{s.day}日"
        until = f"{e.month}月{e.day}日" if e.year == s.year else f"{e.year}年{e.month}月{e.day}日"
        return f"{s.year}年{s.month}月{s.day}日至{until}"

    @property
    def name(self) -> str:
        """A short ASCII name, for a file: 2024, 2024Q2, 2024-03, 2024-01-05_2024-03-10."""
        s, e = self.start, self.end
        if self.whole_months and s.year == e.year:
            if (s.month, e.month) == (1, 12):
                return str(s.year)
            if s.month == e.month:
                return f"{s.year}-{s.month:02d}"
            if s.month % 3 == 1 and e.month == s.month + 2:
                return f"{s.year}Q{s.month // 3 + 1}"
        return f"{s.isoformat()}_{e.isoformat()}"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])
