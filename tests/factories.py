"""Small documents built in code, for tests that must not depend on the sample hub's details."""

from __future__ import annotations

from datetime import date

from careers_review import Review, School, ThemeRating, default_framework


def school(school_id: str = "test-school", **fields) -> School:
    return School(id=school_id, name=fields.pop("name", "Test School"), **fields)


def review(
    school_id: str = "test-school",
    year: str = "2025/26",
    levels: dict[str, int | None] | None = None,
    **fields,
) -> Review:
    start = int(year[:4])
    ratings = {
        theme_id: ThemeRating(level=level, evidence=f"evidence for {theme_id}")
        for theme_id, level in (levels or {}).items()
    }
    return Review(
        id=f"{school_id}-{year.replace('/', '-')}",
        school_id=school_id,
        academic_year=year,
        review_date=fields.pop("review_date", date(start, 11, 1)),
        framework_id=default_framework().id,
        ratings=ratings,
        **fields,
    )
