"""Progress as leaders read it: pure functions over plain rows, no database.

A target's figures at a month's end (as_of) count the approved values of the periods that
started by then (the rows given here are already the highest approved version of each
(measure, unit, period)). Additive targets (per-year flow, cumulative flow, range) add the
units' values over their window — for a per-year flow the window is the year, so the sum
starts again each January. A stock, a rate or a ceiling takes the latest level: the values
of the latest period; a rate (or a ceiling in %) reported with numerators and denominators
is combined from them across units, never by averaging percentages; bare levels are the
lead unit's, else the highest (indicators.figures.level: the measure page's rule too).

Status of a target: done when met; no data when nothing approved counts yet; overdue when
its window has ended unmet; otherwise green, amber or red by completion against time
elapsed (时序进度) and the admin's thresholds. A measure takes the worst status of its
targets; one with no number takes it from its reports' self-assessment.
"""

from __future__ import annotations

import calendar
import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from indicators import figures

DONE, GREEN, AMBER, RED, OVERDUE, NO_DATA = "done", "green", "amber", "red", "overdue", "no_data"
NOT_STARTED = "not_started"  # before the target's period: left out of every count
STATUSES = (DONE, GREEN, AMBER, RED, OVERDUE, NO_DATA)
# Lateness stored for a measure with no figure: below every real gap (−1 … 1), so it sorts
# last without NULLS LAST (which SQLite's indexes do not take).
NO_LATENESS = -2.0
# Worst first: a measure shows the worst of its targets.
SEVERITY = {OVERDUE: 0, RED: 1, AMBER: 2, GREEN: 3, DONE: 4, NO_DATA: 5}

ADDITIVE = frozenset({"flow_annual", "flow_cumulative", "range"})
_PERIOD_START = operator.attrgetter("period_start")


@dataclass(frozen=True)
class Thresholds:
    green_ratio: float = 1.0
    amber_ratio: float = 0.8


@dataclass(frozen=True)
class TargetRow:
    id: int
    kind: str
    comparator: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    period_start: date
    period_end: date


@dataclass(slots=True)
class ValueRow:
    """One counting value: the highest approved version of (measure, unit, period)."""

    target_id: int
    unit_id: int
    period_start: date
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    lead: bool = False
    sample: bool = False


@dataclass(slots=True)
class TargetProgress:
    as_of: date
    status: str
    time_elapsed: float
    actual: Decimal | None = None
    completion: float | None = None
    expected: float | None = None  # where an additive target should stand by now (trajectory)
    sample: bool = False

    @property
    def capped(self) -> float | None:
        return None if self.completion is None else min(self.completion, 1.0)


@dataclass(slots=True)
class MeasureProgress:
    as_of: date
    status: str
    completion_sum: float = 0.0
    completion_n: int = 0
    targets_n: int = 0
    lateness: float | None = None
    sample: bool = False


@dataclass
class Tally:
    """Measures per status, and the capped completion of their targets (summed, to combine)."""

    done: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    overdue: int = 0
    no_data: int = 0
    completion_sum: float = 0.0
    completion_n: int = 0
    n_sample: int = 0  # measures whose figures include sample (demo) data

    def add(self, measure: MeasureProgress) -> None:
        setattr(self, measure.status, getattr(self, measure.status) + 1)
        self.completion_sum += measure.completion_sum
        self.completion_n += measure.completion_n
        self.n_sample += measure.sample

    def merge(self, other: Tally) -> None:
        for status in STATUSES:
            setattr(self, status, getattr(self, status) + getattr(other, status))
        self.completion_sum += other.completion_sum
        self.completion_n += other.completion_n
        self.n_sample += other.n_sample

    @property
    def total(self) -> int:
        return sum(getattr(self, s) for s in STATUSES)

    @property
    def completion(self) -> float | None:
        return self.completion_sum / self.completion_n if self.completion_n else None


def counting_reports(reports: Iterable[tuple[int, int, int, int, int]]) -> set[int]:
    """Of approved reports (id, measure, unit, period, version), the ids that count: the
    highest version of each (measure, unit, period). A correction replaces its earlier
    version whole: a value it leaves out does not fall back to the earlier one."""
    best: dict[tuple[int, int, int], tuple[int, int]] = {}
    for pk, measure, unit, period, version in reports:
        key = (measure, unit, period)
        if key not in best or version > best[key][1]:
            best[key] = (pk, version)
    return {pk for pk, _version in best.values()}


# --- time -------------------------------------------------------------------------------


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from start's month to end's month."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_position(day: date, *, end_of_day: bool) -> float:
    """Months since year 0 at the start (or the end) of a day, a month's days evenly shared."""
    days = calendar.monthrange(day.year, day.month)[1]
    return day.year * 12 + day.month - 1 + (day.day if end_of_day else day.day - 1) / days


@functools.lru_cache(maxsize=65536)
def time_elapsed(start: date, end: date, at: date) -> float:
    """时序进度: the share of [start, end] passed at the end of day `at`, counted in months.

    Counted in months so that the end of June is exactly half a calendar year, as leaders
    say it (时间过半); within a month, by its days.
    """
    if at < start:
        return 0.0
    if at >= end:
        return 1.0
    begin = _month_position(start, end_of_day=False)
    span = _month_position(end, end_of_day=True) - begin
    return (_month_position(at, end_of_day=True) - begin) / span


def window(target: TargetRow, at: date) -> tuple[date, date]:
    """The span a target's figure covers at a date: its year for a per-year flow."""
    if target.kind == "flow_annual":
        year = min(max(at, target.period_start), target.period_end).year
        return max(target.period_start, date(year, 1, 1)), min(target.period_end, date(year, 12, 31))
    return target.period_start, target.period_end


def plan_months(year_start: int, year_end: int, last_target_end: date | None, today: date) -> list[date]:
    """The month ends a plan has figures for: from its first month to its last (or its last
    target's, if later), and never past the current month."""
    end = date(year_end, 12, 31)
    if last_target_end and last_target_end > end:
        end = last_target_end
    end = min(end, month_end(today))
    return month_ends(date(year_start, 1, 1), end) if end >= date(year_start, 1, 1) else []


# --- one target -------------------------------------------------------------------------


def _level(rows: Sequence[ValueRow], unit: str) -> tuple[Decimal | None, bool]:
    """The latest level from the latest period's rows, by the measure page's own rule
    (figures.level: combined from numerators and denominators, else the lead unit's, else
    the highest), and whether sample data is in it."""
    figure, counted = figures.level(rows, unit)
    return figure, any(r.sample for r in counted)


def _status(target: TargetRow, actual: Decimal | None, completion: float | None, elapsed: float,
            ended: bool, thresholds: Thresholds) -> str:
    if actual is None:
        # Nothing approved: we do not know, even after the deadline (the seed plans
        # predate the portal and have no reports at all).
        return NO_DATA
    met = actual <= target.value if target.comparator == "lte" else actual >= target.value
    if met:
        return DONE
    if ended:
        return OVERDUE
    if target.comparator == "lte":
        return RED  # a ceiling exceeded is off track whatever the date
    if completion >= thresholds.green_ratio * elapsed:
        return GREEN
    if completion >= thresholds.amber_ratio * elapsed:
        return AMBER
    return RED


def figures_at(target: TargetRow, as_of: date, actual: Decimal | None,
               today: date | None = None) -> tuple[float, float | None, float | None]:
    """Time elapsed, completion and trajectory of a target at a month's end, given its
    figure: what target_series works out, for reading a stored series back. The month that
    is now is taken at `today`, not at its end."""
    at = min(as_of, target.period_end, today or as_of)
    start, end = window(target, at)
    elapsed = time_elapsed(start, end, at)
    if actual is None:
        completion = None
    elif target.comparator == "lte":
        completion = 1.0 if actual <= target.value else 0.0
    else:
        completion = float(actual) / float(target.value) if target.value else 1.0
    return elapsed, completion, float(target.value) * elapsed if target.kind in ADDITIVE else None


_END_OF_DAY: dict[date, float] = {}


def _end_of_day(day: date) -> float:
    position = _END_OF_DAY.get(day)
    if position is None:
        position = _END_OF_DAY[day] = _month_position(day, end_of_day=True)
    return position


def target_series(
    target: TargetRow, rows: Iterable[ValueRow], months: Sequence[date], thresholds: Thresholds = Thresholds(),
    today: date | None = None,
) -> list[TargetProgress]:
    """The target's progress at each month end of `months` (ascending), in one pass.

    Months before the target's period get NOT_STARTED; after its end, the figures stay as
    they stood at the end (done or overdue). The month that is now (its end after `today`)
    is taken at today: time elapsed so far, and never overdue before its window has ended.
    (Written for speed: a full rebuild calls it for every target and month; time elapsed is
    worked out as time_elapsed() does.)
    """
    period_start, period_end = target.period_start, target.period_end
    rows = sorted((r for r in rows if period_start <= r.period_start <= period_end), key=_PERIOD_START)
    additive = target.kind in ADDITIVE
    annual = target.kind == "flow_annual"
    lte = target.comparator == "lte"
    goal = target.value
    goal_float = float(goal)
    start, end = period_start, period_end  # the window, unless per-year
    window_year = None
    begin = _month_position(start, end_of_day=False)
    span = _end_of_day(end) - begin
    series: list[TargetProgress] = []
    append = series.append
    n = len(rows)
    i = 0
    total = Decimal(0)
    total_sample = False
    counted = False
    window_start: date | None = None
    latest: list[ValueRow] = []
    level: tuple[Decimal | None, bool] = (None, False)
    for as_of in months:
        if as_of < period_start:
            append(TargetProgress(as_of, NOT_STARTED, 0.0))
            continue
        now = as_of if today is None or as_of <= today else today
        at = now if now < period_end else period_end
        if annual and at.year != window_year:  # the window is the year (as window() says)
            window_year = at.year
            start, end = window(target, at)
            begin = _month_position(start, end_of_day=False)
            span = _end_of_day(end) - begin
        if additive and start != window_start:  # a new year for a per-year flow
            window_start, total, total_sample, counted = start, Decimal(0), False, False
            while i < n and rows[i].period_start < start:
                i += 1
        changed = False
        while i < n and rows[i].period_start <= at:
            row = rows[i]
            if additive:
                if row.value is not None:
                    total += row.value
                    total_sample = total_sample or row.sample
                    counted = True
            elif not figures.has_figure(row):
                pass  # an empty cell leaves the level as it stood (as on the measure page)
            elif latest and row.period_start == latest[0].period_start:
                latest.append(row)
            else:
                latest = [row]
            changed = True
            i += 1
        if additive:
            actual, sample = (total, total_sample) if counted else (None, False)
        else:
            if changed:
                level = _level(latest, target.unit)
            actual, sample = level
        elapsed = 0.0 if at < start else 1.0 if at >= end else (_end_of_day(at) - begin) / span
        ended = now >= end
        if actual is None:
            append(TargetProgress(as_of, NO_DATA, elapsed, None, None, goal_float * elapsed if additive else None, False))
            continue
        if lte:
            completion = 1.0 if actual <= goal else 0.0
        else:
            completion = float(actual) / goal_float if goal_float else 1.0
        status = _status(target, actual, completion, elapsed, ended, thresholds)
        append(TargetProgress(as_of, status, elapsed, actual, completion, goal_float * elapsed if additive else None,
                              sample))
    return series


# --- measures ---------------------------------------------------------------------------

SELF_STATUS = {"done": DONE, "on_track": GREEN, "not_started": AMBER, "behind": RED, "": GREEN}


def measure_from_targets(as_of: date, targets: Sequence[TargetProgress]) -> MeasureProgress:
    """The worst status among targets with data; no data when none has any."""
    worst = None
    completion_sum = 0.0
    completion_n = 0
    started = 0
    gap = None
    sample = False
    for t in targets:
        status = t.status
        if status == NOT_STARTED:
            continue
        started += 1
        sample = sample or t.sample
        if status == NO_DATA:
            continue
        if worst is None or SEVERITY[status] < SEVERITY[worst]:
            worst = status
        if t.completion is not None:
            capped = t.completion if t.completion < 1.0 else 1.0
            completion_sum += capped
            completion_n += 1
            behind = t.time_elapsed - capped
            if gap is None or behind > gap:
                gap = behind
    if not started:
        return MeasureProgress(as_of, NO_DATA)
    return MeasureProgress(as_of, worst or NO_DATA, completion_sum, completion_n, started, gap, sample)


def measure_from_reports(
    as_of: date, self_statuses: Sequence[str], *, deadline: date | None, recurring: bool, sample: bool = False,
    today: date | None = None,
) -> MeasureProgress:
    """A measure with no number: its units' latest approved self-assessments, the worst one.

    Reported but not done by its deadline is overdue (a measure repeated every year has no
    final one); never reported is no data.
    """
    statuses = [SELF_STATUS.get(s, GREEN) for s in self_statuses]
    status = min(statuses, key=SEVERITY.__getitem__) if statuses else NO_DATA
    if status not in (DONE, NO_DATA) and deadline is not None and not recurring and min(as_of, today or as_of) >= deadline:
        status = OVERDUE
    return MeasureProgress(as_of, status, sample=sample and bool(statuses))


@dataclass(frozen=True)
class ReportRow:
    """A unit's highest approved version of its report on a measure for a period."""

    unit_id: int
    period_start: date
    self_status: str
    sample: bool = False


def report_series(
    rows: Iterable[ReportRow], months: Sequence[date], *, deadline: date | None, recurring: bool,
    today: date | None = None, closed_on: date | None = None,
) -> list[MeasureProgress]:
    """A measure with no number, month by month: each unit's latest report counts. Once it is
    closed (已销号, signed off by the leader on `closed_on`) it is done, whatever its reports
    said: the sign-off is the judgement a self-assessment stands in for."""
    rows = sorted(rows, key=lambda r: r.period_start)
    latest: dict[int, ReportRow] = {}
    series = []
    i = 0
    for as_of in months:
        while i < len(rows) and rows[i].period_start <= as_of:
            latest[rows[i].unit_id] = rows[i]
            i += 1
        if closed_on is not None and as_of >= closed_on:
            series.append(MeasureProgress(as_of, DONE, sample=any(r.sample for r in latest.values())))
            continue
        series.append(
            measure_from_reports(
                as_of,
                [r.self_status for r in latest.values()],
                deadline=deadline,
                recurring=recurring,
                sample=any(r.sample for r in latest.values()),
                today=today,
            )
        )
    return series


def tally(measures: Iterable[MeasureProgress]) -> Tally:
    result = Tally()
    for measure in measures:
        result.add(measure)
    return result


def combine(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for one in tallies:
        result.merge(one)
    return result


def lateness_rank(status: str, lateness: float | None, key: int = 0) -> tuple:
    """Sort key of a lateness ranking: worst status first, then the widest gap between time
    elapsed and completion (no figure last), then `key` to keep the order stable."""
    return (SEVERITY[status], -(lateness if lateness is not None else -1.0), key)
