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
    number: int
    name: str
    achieved: int
    in_progress: int
    total: int
    previous_percent: float | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.achieved / self.total if self.total else 0.0

    @property
    def change(self) -> float | None:
        return None if self.previous_percent is None else self.percent - self.previous_percent


def benchmark_scores(
    review: Review, framework: Framework, previous: Review | None = None
) -> list[BenchmarkScore]:
    """% of each benchmark's criteria achieved, with the previous review's % when there is one."""
    scores = []
    for benchmark in framework.benchmarks:
        ids = [c.id for c in benchmark.criteria]
        marks = [review.gatsby.get(i, "") for i in ids]
        before = None
        if previous is not None and any(previous.gatsby.get(i) for i in ids):
            before = 100.0 * sum(previous.gatsby.get(i) == "achieved" for i in ids) / len(ids)
        scores.append(
            BenchmarkScore(
                benchmark.number,
                benchmark.name,
                marks.count("achieved"),
                marks.count("in_progress"),
                len(ids),
                before,
            )
        )
    return scores


def weakest_benchmarks(
    review: Review, framework: Framework, count: int = 2
) -> list[BenchmarkScore]:
    """The benchmarks with the lowest % achieved, among those assessed at all."""
    assessed = [
        s
        for s, b in zip(benchmark_scores(review, framework), framework.benchmarks, strict=True)
        if any(review.gatsby.get(c.id) for c in b.criteria)
    ]
    return sorted(assessed, key=lambda s: (s.percent, s.number))[:count]


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
