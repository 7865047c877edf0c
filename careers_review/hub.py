"""The hub summary: every school's latest review side by side, for a Careers Hub analyst.

The figures are pure functions over a `Hub` snapshot (each school's latest review and the
framework in use), so they can be tested without a kernel and reused in JupyterLab with pandas.
`hub_sections` lays them out as sections of static HTML with their charts, and `charts` draws
those, so the batch's nbconvert template prints the summary on A4 without any widget.

Nothing here assumes a number of themes, levels, benchmarks, duties or key phases: all of them
come from the framework.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median_low

import pandas as pd

from .batch import BATCH_FILE
from .content import Framework
from .errors import InputError
from .model import Review, School, academic_year_for, check_review
from .sections import shorten
from .store import Store
from .summary import PhaseCount, benchmark_scores, provider_access

__all__ = [
    "BatchFailure",
    "BatchRecord",
    "Hub",
    "NotReviewed",
    "StatutoryGaps",
    "ThemeCount",
    "ThemeSpread",
    "hub_benchmarks",
    "hub_levels",
    "load_hub",
    "not_reviewed",
    "parse_school_ids",
    "priority_themes",
    "read_batch",
    "show_hub_summary",
    "statutory_gaps",
    "theme_spread",
]

_DUTY_GAPS = ("not_met", "not_sure", "")  # "" is a duty nobody has checked yet


# -- the snapshot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hub:
    """The schools in scope, each one's latest review, and what could not be included."""

    framework: Framework
    today: date
    academic_year: str
    schools: tuple[School, ...]
    reviews: Mapping[str, Review]
    problems: tuple[str, ...] = ()

    def review(self, school_id: str) -> Review | None:
        return self.reviews.get(school_id)

    @property
    def reviewed(self) -> tuple[School, ...]:
        """Schools with at least one review, whatever its year."""
        return tuple(s for s in self.schools if s.id in self.reviews)

    def label(self, school: School, width: int = 0) -> str:
        """A school's name, with the year of its latest review when that is not this year;
        with a width, the name (never the year) is shortened to fit a chart."""
        review = self.reviews.get(school.id)
        name = shorten(school.name, width) if width else school.name
        if review is None:
            return f"{name} (no review)"
        if review.academic_year != self.academic_year:
            return f"{name} ({review.academic_year})"
        return name


def parse_school_ids(school_ids: str | Iterable[str] = "") -> list[str]:
    """Ids from the batch's comma-separated parameter (or a list), blanks and repeats dropped."""
    parts = school_ids.split(",") if isinstance(school_ids, str) else list(school_ids)
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def load_hub(
    store: Store,
    framework: Framework,
    school_ids: str | Iterable[str] = "",
    today: date | None = None,
) -> Hub:
    """Read the schools (all of them when no ids are given) and their latest reviews.

    An id the store does not know, or a review the framework cannot read, becomes a line in
    `problems` rather than an error: one bad row must not cost the hub its whole summary.
    """
    today = today or date.today()
    everyone = store.schools()
    wanted = parse_school_ids(school_ids)
    problems: list[str] = []
    if wanted:
        known = {s.id for s in everyone}
        problems += [f"{i}: not a school in this data directory" for i in wanted if i not in known]
        chosen = set(wanted)
        schools = [s for s in everyone if s.id in chosen]
    else:
        schools = everyone
    reviews: dict[str, Review] = {}
    for school in schools:
        review = store.latest_review(school.id)
        if review is None:
            continue
        try:
            check_review(review, framework, f"review {review.id}")
        except InputError as exc:
            problems.append(f"{exc} (what this framework cannot read is left out)")
        reviews[school.id] = review
    return Hub(
        framework=framework,
        today=today,
        academic_year=academic_year_for(today),
        schools=tuple(schools),
        reviews=reviews,
        problems=tuple(problems),
    )


# -- the figures ----------------------------------------------------------------------------


def _level(review: Review | None, theme_id: str, top: int) -> float:
    level = review.rating(theme_id).level if review else None
    return float(level) if level is not None and 1 <= level <= top else float("nan")


def hub_levels(hub: Hub) -> pd.DataFrame:
    """Schools (rows, by id) by themes (columns, by id): the agreed level, NaN where there is
    none, so the heatmap and any pandas analysis see the same numbers."""
    themes = [t.id for t in hub.framework.themes]
    top = len(hub.framework.levels)
    rows = [[_level(hub.review(s.id), t, top) for t in themes] for s in hub.schools]
    frame = pd.DataFrame(rows, index=[s.id for s in hub.schools], columns=themes, dtype=float)
    frame.index.name, frame.columns.name = "school_id", "theme_id"
    return frame


@dataclass(frozen=True)
class ThemeSpread:
    """How many schools sit at each level of one theme."""

    theme_id: str
    name: str
    counts: dict[int, int]
    not_agreed: int
    median: int | None

    @property
    def agreed(self) -> int:
        return sum(self.counts.values())


def theme_spread(hub: Hub) -> list[ThemeSpread]:
    """Per theme: schools at each level, schools without a level, and the median level.

    The median is the lower middle value (as for a review's overall level), so it is always a
    real level with a name. Every school in scope is counted, so each bar adds up to the hub.
    """
    frame = hub_levels(hub)
    numbers = [level.number for level in hub.framework.levels]
    spread = []
    for theme in hub.framework.themes:
        agreed = [int(v) for v in frame[theme.id].dropna()]
        spread.append(
            ThemeSpread(
                theme.id,
                theme.name,
                {n: agreed.count(n) for n in numbers},
                len(frame) - len(agreed),
                median_low(agreed) if agreed else None,
            )
        )
    return spread


@dataclass(frozen=True)
class NotReviewed:
    school_id: str
    name: str
    latest_year: str  # "never" when the school has no review at all


def not_reviewed(hub: Hub) -> list[NotReviewed]:
    """Schools whose latest review is not from this academic year, for the hub to follow up."""
    found = []
    for school in hub.schools:
        review = hub.review(school.id)
        if review is None or review.academic_year != hub.academic_year:
            found.append(
                NotReviewed(school.id, school.name, review.academic_year if review else "never")
            )
    return found


@dataclass(frozen=True)
class ThemeCount:
    theme_id: str
    name: str
    count: int
    school_ids: tuple[str, ...]


def priority_themes(hub: Hub) -> list[ThemeCount]:
    """Each theme with the schools that marked it a priority, most often chosen first: where
    hub-wide training or network meetings would reach most schools."""
    counts = []
    for theme in hub.framework.themes:
        ids = tuple(
            s.id for s in hub.reviewed if hub.reviews[s.id].rating(theme.id).focus == "priority"
        )
        counts.append(ThemeCount(theme.id, theme.name, len(ids), ids))
    order = {t.id: i for i, t in enumerate(hub.framework.themes)}
    return sorted(counts, key=lambda c: (-c.count, order[c.theme_id]))


def hub_benchmarks(hub: Hub) -> pd.DataFrame:
    """Schools (rows, by id) by benchmark number: % of criteria achieved. NaN where a school
    marked none of a benchmark's criteria, so 'not assessed' is never read as 0%."""
    numbers = [b.number for b in hub.framework.benchmarks]
    rows = []
    for school in hub.schools:
        review = hub.review(school.id)
        if review is None:
            rows.append([float("nan")] * len(numbers))
            continue
        row = []
        for benchmark, score in zip(
            hub.framework.benchmarks, benchmark_scores(review, hub.framework), strict=True
        ):
            assessed = any(review.gatsby.get(c.id) for c in benchmark.criteria)
            row.append(score.percent if assessed and score.percent is not None else float("nan"))
        rows.append(row)
    frame = pd.DataFrame(rows, index=[s.id for s in hub.schools], columns=numbers, dtype=float)
    frame.index.name, frame.columns.name = "school_id", "benchmark"
    return frame


@dataclass(frozen=True)
class StatutoryGaps:
    """What one school's latest review leaves open on the statutory checklist."""

    school_id: str
    name: str
    academic_year: str
    not_met: tuple[str, ...]
    not_sure: tuple[str, ...]
    unchecked: tuple[str, ...]
    below_minimum: tuple[PhaseCount, ...]

    @property
    def has_gaps(self) -> bool:
        return bool(self.not_met or self.not_sure or self.unchecked or self.below_minimum)


def statutory_gaps(hub: Hub) -> list[StatutoryGaps]:
    """Per reviewed school: duties not met, not sure or not yet checked, and the provider access
    key phases below the minimum. Key phases a school does not teach (the sixth-form phase
    at an 11-16 school) are left out, so the hub does not chase duties that do not apply."""
    framework = hub.framework
    found = []
    for school in hub.reviewed:
        review = hub.reviews[school.id]
        by_status: dict[str, list[str]] = {status: [] for status in _DUTY_GAPS}
        for duty in framework.statutory.duties:
            check = review.foundations.duties.get(duty.id)
            status = check.status if check else ""
            if status in by_status:
                by_status[status].append(duty.title)
        below = tuple(p for p in provider_access(review, framework, school) if not p.met)
        found.append(
            StatutoryGaps(
                school.id,
                school.name,
                review.academic_year,
                tuple(by_status["not_met"]),
                tuple(by_status["not_sure"]),
                tuple(by_status[""]),
                below,
            )
        )
    return found


@dataclass(frozen=True)
class BatchFailure:
    school_id: str
    name: str
    workbook: str
    cell: int | None
    error: str


@dataclass(frozen=True)
class BatchRecord:
    """What the batch's `batch.json` says: when it ran, how many schools ended how, and which
    failed."""

    path: Path
    started: str
    updated: str
    statuses: dict[str, int]
    failures: tuple[BatchFailure, ...]


def read_batch(batch_dir: str | os.PathLike[str]) -> BatchRecord:
    """Read DIR/batch.json, or raise InputError naming the file and what is wrong with it."""
    path = Path(batch_dir) / BATCH_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found (is this a batch output folder?)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    schools = data.get("schools") if isinstance(data, dict) else None
    if not isinstance(schools, list) or not all(isinstance(s, dict) for s in schools):
        raise InputError(f"{path}: schools: expected a list of school results")
    statuses: dict[str, int] = {}
    failures = []
    for entry in schools:
        status = str(entry.get("status", ""))
        # Skipped on --resume: done by an earlier run from the same inputs, so a resumed round
        # reads as the straight run it ends as.
        status = "done" if status == "skipped" else status
        statuses[status] = statuses.get(status, 0) + 1
        if status == "failed":
            cell = entry.get("cell")
            failures.append(
                BatchFailure(
                    str(entry.get("school_id", "")),
                    str(entry.get("name", "")),
                    str(entry.get("failed_workbook", "")),
                    cell if isinstance(cell, int) else None,
                    str(entry.get("error", "")),
                )
            )
    return BatchRecord(
        path, str(data.get("started", "")), str(data.get("updated", "")), statuses, tuple(failures)
    )


def show_hub_summary(
    data_dir: str = "",
    framework: str = "",
    batch_dir: str = "",
    school_ids: str = "",
    today: date | None = None,
) -> None:
    """Display every section of the summary in order, as the hub summary workbook once did in
    one cell: copies of that workbook kept in a data directory still call this."""
    from IPython.display import display

    from .hub_sections import SECTIONS, hub_summary

    summary = hub_summary(data_dir, framework, batch_dir, school_ids, today)
    for section in SECTIONS:
        display(section(summary))
