"""Pure functions from a review to what the team and governors want to see at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median_low

from .content import Framework
from .model import Review

__all__ = [
    "Profile",
    "ThemeChange",
    "ThemeResult",
    "change_since",
    "levels",
    "priorities",
    "profile",
    "strengths",
]


@dataclass(frozen=True)
class ThemeResult:
    theme_id: str
    name: str
    level: int | None
    level_name: str
    focus: str
    evidence: str


@dataclass(frozen=True)
class Profile:
    """The review in one object: each theme's result and the headline figures."""

    themes: tuple[ThemeResult, ...]
    agreed: int
    total: int
    overall_level: int | None
    overall_name: str
    level_counts: dict[int, int]

    @property
    def complete(self) -> bool:
        return self.agreed == self.total

    @property
    def strengths(self) -> tuple[ThemeResult, ...]:
        return tuple(t for t in self.themes if t.focus == "strength")

    @property
    def priorities(self) -> tuple[ThemeResult, ...]:
        return tuple(t for t in self.themes if t.focus == "priority")


@dataclass(frozen=True)
class ThemeChange:
    theme_id: str
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        delta = self.delta
        if delta is None:
            return "new" if self.before is None and self.after is not None else "not compared"
        return "up" if delta > 0 else "down" if delta < 0 else "same"


def levels(review: Review, framework: Framework) -> dict[str, int | None]:
    """The agreed level per theme, in the framework's order; None where not yet agreed."""
    return {theme.id: review.rating(theme.id).level for theme in framework.themes}


def profile(review: Review, framework: Framework) -> Profile:
    results = []
    for theme in framework.themes:
        rating = review.rating(theme.id)
        name = framework.maturity_model.level(rating.level).name if rating.level else "Not agreed"
        results.append(
            ThemeResult(theme.id, theme.name, rating.level, name, rating.focus, rating.evidence)
        )
    agreed = [r.level for r in results if r.level is not None]
    overall = median_low(agreed) if agreed else None
    counts = {level.number: agreed.count(level.number) for level in framework.levels}
    return Profile(
        themes=tuple(results),
        agreed=len(agreed),
        total=len(results),
        overall_level=overall,
        overall_name=framework.maturity_model.level(overall).name if overall else "Not agreed",
        level_counts=counts,
    )


def strengths(review: Review, framework: Framework) -> list[ThemeResult]:
    return list(profile(review, framework).strengths)


def priorities(review: Review, framework: Framework) -> list[ThemeResult]:
    """Priority themes, lowest level first: the order a plan should take them in."""
    found = profile(review, framework).priorities
    top = len(framework.levels) + 1
    return sorted(found, key=lambda t: t.level if t.level is not None else top)


def change_since(
    current: Review, previous: Review | None, framework: Framework
) -> list[ThemeChange]:
    """Each theme's level now against the school's previous review (before is None without one)."""
    before = levels(previous, framework) if previous else {}
    return [
        ThemeChange(theme.id, theme.name, before.get(theme.id), current.rating(theme.id).level)
        for theme in framework.themes
    ]
