"""A server-rendered bar chart of points per month, readable without JavaScript."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 140
AXIS = 18  # room for year labels under the bars
MIN_MONTHS = 12  # a short history still reads as a year, not one huge bar


@dataclass(frozen=True)
class Bar:
    month: datetime.date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}: {self.count} point{'s' if self.count != 1 else ''}"


@dataclass(frozen=True)
class YearTick:
    year: int
    x: float


@dataclass(frozen=True)
class MonthChart:
    bars: list[Bar]
    ticks: list[YearTick]
    peak: Bar
    total: int
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - AXIS

    @property
    def summary(self) -> str:
        first, last = self.bars[0].month, self.bars[-1].month
        span = f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"
        return (
            f"{self.total} point{'s' if self.total != 1 else ''} from {span}; "
            f"the busiest month was {self.peak.month:%B %Y} with {self.peak.count}."
        )

    @property
    def active_bars(self) -> list[Bar]:
        """Months with points, for the table that stands in for the picture."""
        return [bar for bar in self.bars if bar.count]


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_chart(counts: dict[datetime.date, int]) -> MonthChart | None:
    """Bars for every month from the first to the last with points, gaps included."""
    counts = {month.replace(day=1): n for month, n in counts.items() if n}
    if not counts:
        return None
    last = max(counts)
    year_before = last.replace(year=last.year - 1) + datetime.timedelta(days=32)
    months = _months(min(min(counts), year_before.replace(day=1)), last)
    slot = WIDTH / len(months)
    tallest = max(counts.values())
    usable = HEIGHT - AXIS - 4
    bars = []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        height = usable * count / tallest
        bars.append(
            Bar(
                month=month,
                count=count,
                x=round(index * slot + slot * 0.1, 2),
                y=round(HEIGHT - AXIS - height, 2),
                width=round(max(slot * 0.8, 1), 2),
                height=round(height, 2),
            )
        )
    ticks = [
        YearTick(year=bar.month.year, x=bar.x)
        for index, bar in enumerate(bars)
        if index == 0 or bar.month.month == 1
    ]
    # Keep year labels from overlapping when the chart spans many years.
    step = max(1, len(ticks) // 8)
    peak = max(bars, key=lambda bar: (bar.count, bar.month))
    return MonthChart(bars=bars, ticks=ticks[::step], peak=peak, total=sum(counts.values()))
