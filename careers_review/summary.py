"""Pure functions from a review to what the team and governors want to see at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median_low

from .content import Framework
from .model import Review, School

__all__ = [
    "BenchmarkScore",
    "PhaseCount",
    "Profile",
    "ThemeChange",
    "ThemeResult",
    "benchmark_scores",
    "change_since",
    "criteria_assessed",
    "leadership_risks",
    "levels",
    "priorities",
    "profile",
    "provider_access",
    "role_gaps",
    "strengths",
    "weakest_benchmarks",
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


@dataclass(frozen=True)
class BenchmarkScore:
    """One benchmark's criteria this year. A criterion nobody has marked yet is not assessed:
    it counts neither as achieved nor as missed, so a year just begun reads "not assessed"
    rather than 0 %, and a change is measured only on criteria marked in both years."""

    number: int
    name: str
    achieved: int
    in_progress: int
    total: int
    #: The previous review's % achieved of the criteria it assessed; None if it assessed none.
    previous_percent: float | None = None
    #: Criteria marked this year (achieved, in progress or not started).
    assessed: int = 0
    #: Criteria marked in both years, and how many of those were achieved last time and now.
    compared: int = 0
    compared_before: int = 0
    compared_now: int = 0

    @property
    def is_assessed(self) -> bool:
        return self.assessed > 0

    @property
    def percent(self) -> float | None:
        """% achieved of the criteria assessed this year; None when none is assessed."""
        return 100.0 * self.achieved / self.assessed if self.assessed else None

    @property
    def change(self) -> float | None:
        """Points gained since last time, on the criteria assessed in both years only."""
        if not self.compared:
            return None
        return 100.0 * (self.compared_now - self.compared_before) / self.compared

    @property
    def percent_text(self) -> str:
        return "not assessed" if self.percent is None else f"{self.percent:.0f}%"

    @property
    def assessed_text(self) -> str:
        return f"{self.assessed} of {self.total} criteria assessed"


def benchmark_scores(
    review: Review, framework: Framework, previous: Review | None = None
) -> list[BenchmarkScore]:
    """Each benchmark's criteria achieved, assessed, and compared with the previous review."""
    scores = []
    for benchmark in framework.benchmarks:
        ids = [c.id for c in benchmark.criteria]
        marks = {i: review.gatsby.get(i, "") for i in ids}
        before = {i: previous.gatsby.get(i, "") for i in ids} if previous is not None else {}
        marked_before = [i for i in ids if before.get(i)]
        both = [i for i in ids if marks[i] and before.get(i)]
        previous_percent = (
            100.0 * sum(before[i] == "achieved" for i in marked_before) / len(marked_before)
            if marked_before
            else None
        )
        values = list(marks.values())
        scores.append(
            BenchmarkScore(
                benchmark.number,
                benchmark.name,
                values.count("achieved"),
                values.count("in_progress"),
                len(ids),
                previous_percent,
                assessed=sum(1 for v in values if v),
                compared=len(both),
                compared_before=sum(before[i] == "achieved" for i in both),
                compared_now=sum(marks[i] == "achieved" for i in both),
            )
        )
    return scores


def criteria_assessed(scores: list[BenchmarkScore]) -> str:
    """ "x of y criteria assessed" over all benchmarks: what every report says beside them."""
    assessed = sum(s.assessed for s in scores)
    return f"{assessed} of {sum(s.total for s in scores)} criteria assessed"


def weakest_benchmarks(
    review: Review, framework: Framework, count: int = 2
) -> list[BenchmarkScore]:
    """The benchmarks with the lowest % achieved, among those assessed at all."""
    assessed = [s for s in benchmark_scores(review, framework) if s.percent is not None]
    return sorted(assessed, key=lambda s: (s.percent or 0.0, s.number))[:count]


@dataclass(frozen=True)
class PhaseCount:
    key_phase_id: str
    name: str
    count: int
    minimum: int
    requirement: str

    @property
    def met(self) -> bool:
        return self.count >= self.minimum


def provider_access(
    review: Review, framework: Framework, school: School | None = None
) -> list[PhaseCount]:
    """Encounters recorded per key phase against the provider access minimum. With the school,
    key phases it does not teach (the sixth-form phase at an 11-16 school) are left out."""
    taught = set(school.year_groups) if school is not None else None
    return [
        PhaseCount(
            k.id, k.name, review.foundations.encounters.get(k.id, 0), k.minimum, k.requirement
        )
        for k in framework.statutory.provider_access.key_phases
        if taught is None or taught & set(k.years)
    ]


def leadership_risks(review: Review, structure: str) -> list[str]:
    """Plain-words risks in how careers leadership is set up, for the team to act on."""
    found = review.foundations
    risks = []
    if structure == "middle_leader" and not found.senior_line_manager.strip():
        risks.append("The Careers Leader is a middle leader with no named senior line manager.")
    if found.protected_hours is not None and found.protected_hours == 0:
        risks.append("The Careers Leader has no protected time for the role.")
    elif found.protected_hours is None:
        risks.append("The Careers Leader's protected time has not been recorded.")
    if found.budget is not None and found.budget == 0:
        risks.append("There is no budget for careers.")
    elif found.budget is None:
        risks.append("No careers budget has been recorded.")
    if found.trained == "no":
        risks.append("The Careers Leader has not been trained for the role.")
    return risks


def role_gaps(review: Review, framework: Framework) -> list[str]:
    """Names of the key roles nobody holds yet."""
    held = review.foundations.role_holders
    return [r.name for r in framework.key_roles if not held.get(r.id, "").strip()]
