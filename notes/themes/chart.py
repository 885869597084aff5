"""A server-rendered bar chart of points over time, readable without JavaScript."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 140
AXIS = 18  # room for year labels under the bars
# A year label's width at its largest (on a phone, site.css): one that would
# run off the right edge, or over the next, is left out.
LABEL_WIDTH = 44
# A bar per month until there would be more than this many, then a bar per
# quarter, then per year: a network's history grows every month, and
# hundreds of bars a couple of pixels wide can be neither told apart nor
# pointed at, while each adds to every theme page (and a row to its table).
MAX_BARS = 72


@dataclass(frozen=True)
class Period:
    """What one bar counts: a month, a quarter or a year."""

    name: str
    months: int

    def start(self, month: datetime.date) -> datetime.date:
        """The first day of the period ``month`` falls in."""
        return month.replace(month=(month.month - 1) // self.months * self.months + 1, day=1)

    def label(self, start: datetime.date) -> str:
        if self.months == 12:
            return f"{start:%Y}"
        if self.months == 1:
            return f"{start:%B %Y}"
        last = start.replace(month=start.month + self.months - 1)
        return f"{start:%B}\N{EN DASH}{last:%B %Y}"


MONTH = Period("month", 1)
QUARTER = Period("quarter", 3)
YEAR = Period("year", 12)


@dataclass(frozen=True)
class Bar:
    start: datetime.date
    # The period, as a reader says it: "May 2020", "2020", or a quarter as
    # "April-June 2020" with an en dash.
    name: str
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self) -> str:
        return f"{self.name}: {_points(self.count)}"


@dataclass(frozen=True)
class YearTick:
    year: int
    x: float


@dataclass(frozen=True)
class PointsChart:
    period: Period
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
        first, last = self.bars[0], self.bars[-1]
        span = first.name if first == last else f"{first.name} to {last.name}"
        return (
            f"{_points(self.total)} from {span}; "
            f"the busiest {self.period.name} was {self.peak.name} with {self.peak.count:,}."
        )

    @property
    def active_bars(self) -> list[Bar]:
        """Periods with points, for the table that stands in for the picture."""
        return [bar for bar in self.bars if bar.count]


def _points(count: int) -> str:
    return f"{count:,} point{'s' if count != 1 else ''}"


def _starts(first: datetime.date, last: datetime.date, period: Period) -> list[datetime.date]:
    """The first day of every period from the one holding ``first`` to ``last``'s."""
    starts, current = [], period.start(first)
    while current <= last:
        starts.append(current)
        year, month = divmod(current.month - 1 + period.months, 12)
        current = current.replace(year=current.year + year, month=month + 1)
    return starts


def points_chart(counts: dict[datetime.date, int]) -> PointsChart | None:
    """Bars from the first period with points to the last, gaps included: by
    month, or by quarter or year when months would make more than MAX_BARS.
    """
    counts = {month.replace(day=1): n for month, n in counts.items() if n}
    if not counts:
        return None
    last = max(counts)
    # At least a year of bars: a short history reads as a year, not one huge bar.
    year_before = last.replace(year=last.year - 1) + datetime.timedelta(days=32)
    first = min(min(counts), year_before.replace(day=1))
    for period in (MONTH, QUARTER, YEAR):
        starts = _starts(first, last, period)
        if len(starts) <= MAX_BARS:
            break
    totals = dict.fromkeys(starts, 0)
    for month, count in counts.items():
        totals[period.start(month)] += count
    slot = WIDTH / len(starts)
    tallest = max(totals.values())
    usable = HEIGHT - AXIS - 4
    bars = []
    for index, (start, count) in enumerate(totals.items()):
        height = usable * count / tallest
        bars.append(
            Bar(
                start=start,
                name=period.label(start),
                count=count,
                x=round(index * slot + slot * 0.1, 2),
                y=round(HEIGHT - AXIS - height, 2),
                width=round(max(slot * 0.8, 1), 2),
                height=round(height, 2),
            )
        )
    peak = max(bars, key=lambda bar: (bar.count, bar.start))
    return PointsChart(
        period=period, bars=bars, ticks=_year_ticks(bars), peak=peak, total=sum(counts.values())
    )


def _year_ticks(bars: list[Bar]) -> list[YearTick]:
    """A label at the first bar and at each year's first, as many as fit: about
    eight, none running off the right edge, and none over the next (a history
    starting in November has the next year's label two months on: the first,
    of a part of a year, is left out).
    """
    starts = [
        YearTick(year=bar.start.year, x=bar.x)
        for index, bar in enumerate(bars)
        if (index == 0 or bar.start.month == 1) and bar.x <= WIDTH - LABEL_WIDTH
    ]
    ticks: list[YearTick] = []
    for tick in reversed(starts[:: max(1, len(starts) // 8)]):
        if not ticks or ticks[-1].x - tick.x >= LABEL_WIDTH:
            ticks.append(tick)
    return ticks[::-1]
