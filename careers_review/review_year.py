"""Which review a page shows, and how a new academic year's review is started.

Opening a page never writes to the store. A page shows the school's latest review, whatever
its year, until the team starts this year's on purpose (`start_review`); a school with no
review at all is shown this year's as a draft that is saved with its first edit. A new review
starts with nothing agreed: last year's levels stay last year's, shown beside it as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .content import Framework
from .errors import UnknownReviewError
from .model import Review, academic_year_for, review_id_for
from .store import Store
from .store_reader import StoreReader

__all__ = [
    "YearState",
    "current_year",
    "review_of",
    "start_review",
    "year_state",
    "year_to_open",
]


def current_year(today: date | None = None) -> str:
    """The academic year a review started today belongs to (years start on 1 September)."""
    return academic_year_for(today or date.today())


def review_of(store: StoreReader, school_id: str, year: str) -> Review | None:
    """The school's review of `year`, or None when there is none."""
    try:
        return store.review(review_id_for(school_id, year))
    except UnknownReviewError:
        return None


def year_to_open(
    store: StoreReader, school_id: str, academic_year: str = "", today: date | None = None
) -> str:
    """The year a page opens: the one asked for, else the school's latest review's, else
    (no review yet) this year's."""
    if academic_year:
        return academic_year
    latest = store.latest_review(school_id)
    return latest.academic_year if latest is not None else current_year(today)


@dataclass(frozen=True)
class YearState:
    """What a page says about the year it shows: the year shown, this academic year, whether
    this year's review has been started, and the latest saved review (None before the first)."""

    shown: str
    current: str
    started: bool
    latest: Review | None

    @property
    def earlier(self) -> bool:
        """The page shows a review of an earlier year than this one."""
        return self.shown < self.current

    @property
    def can_start(self) -> bool:
        """The team may start this year's review (it has not been started yet)."""
        return not self.started


def year_state(
    store: StoreReader, school_id: str, shown: str = "", today: date | None = None
) -> YearState:
    """Where a school stands: `shown` is the year on the page (by default the one it opens)."""
    current = current_year(today)
    return YearState(
        shown=shown or year_to_open(store, school_id, today=today),
        current=current,
        started=review_of(store, school_id, current) is not None,
        latest=store.latest_review(school_id),
    )


def start_review(
    store: Store,
    framework: Framework,
    school_id: str,
    *,
    academic_year: str = "",
    today: date | None = None,
    author: str = "app",
) -> Review:
    """Start a school's review for this academic year (or `academic_year`): saved at once,
    with nothing agreed yet. Asked again (a second press, another tab) it returns the review
    already started and writes nothing."""
    today = today or date.today()
    year = academic_year or current_year(today)
    store.school(school_id)  # UnknownSchoolError for a school the hub does not hold
    found = review_of(store, school_id, year)
    if found is not None:
        return found
    started = Review(
        id=review_id_for(school_id, year),
        school_id=school_id,
        academic_year=year,
        review_date=today,
        framework_id=framework.id,
    )
    # Saved against "nothing yet": started meanwhile in another tab (and perhaps edited there),
    # it is merged with that one, which keeps every edit and writes nothing more.
    blank = started.model_dump(mode="json")
    result = store.save(started, base_revision=0, base_document=blank, author=author)
    return result.document  # type: ignore[return-value]
