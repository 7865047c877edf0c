"""Typed shape of the framework content, so a hub's own file is checked as strictly as ours."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "SECTIONS",
    "Benchmark",
    "Criterion",
    "Framework",
    "KeyPhase",
    "KeyRole",
    "LeadershipStructure",
    "Level",
    "MaturityModel",
    "Phase",
    "ProviderAccess",
    "Responsibility",
    "Roadmap",
    "RoadmapStep",
    "Statutory",
    "StatutoryDuty",
    "Theme",
    "WebsiteItem",
]

Id = str
_ID_PATTERN = r"^[a-z0-9][a-z0-9_]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _unique(items: list, attr: str, what: str) -> list:
    seen: set = set()
    for item in items:
        key = getattr(item, attr)
        if key in seen:
            raise ValueError(f"duplicate {what} {key!r}")
        seen.add(key)
    return items


class Level(_Strict):
    number: int = Field(ge=1)
    name: str = Field(min_length=1)
    summary: str = ""


class Theme(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    intent: str = ""
    descriptors: dict[int, str]
    guiding_questions: list[str] = []
    benchmarks: list[int] = []


class MaturityModel(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    description: str = ""
    levels: list[Level] = Field(min_length=2)
    themes: list[Theme] = Field(min_length=1)

    @field_validator("levels")
    @classmethod
    def _levels_in_order(cls, levels: list[Level]) -> list[Level]:
        numbers = [level.number for level in levels]
        if numbers != list(range(1, len(levels) + 1)):
            raise ValueError(f"levels must be numbered 1 to {len(levels)} in order, got {numbers}")
        return levels

    @field_validator("themes")
    @classmethod
    def _unique_themes(cls, themes: list[Theme]) -> list[Theme]:
        return _unique(themes, "id", "theme id")

    @model_validator(mode="after")
    def _every_theme_has_every_level(self) -> MaturityModel:
        numbers = {level.number for level in self.levels}
        for index, theme in enumerate(self.themes):
            missing = sorted(numbers - set(theme.descriptors))
            extra = sorted(set(theme.descriptors) - numbers)
            where = f"themes[{index}] ({theme.id}).descriptors"
            if missing:
                raise ValueError(f"{where}: no descriptor for level {', '.join(map(str, missing))}")
            if extra:
                raise ValueError(f"{where}: level {', '.join(map(str, extra))} is not in levels")
            empty = [n for n, text in theme.descriptors.items() if not text.strip()]
            if empty:
                raise ValueError(f"{where}: empty descriptor for level {empty[0]}")
        return self

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


class Criterion(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    text: str = Field(min_length=1)


class Benchmark(_Strict):
    number: int = Field(ge=1)
    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    summary: str = ""
    governor_questions: list[str] = []
    criteria: list[Criterion] = []

    @field_validator("criteria")
    @classmethod
    def _unique_criteria(cls, criteria: list[Criterion]) -> list[Criterion]:
        return _unique(criteria, "id", "criterion id")


class RoadmapStep(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    title: str = Field(min_length=1)
    summary: str = ""


class Phase(_Strict):
    number: int = Field(ge=1)
    id: Id = Field(pattern=_ID_PATTERN)
    title: str = Field(min_length=1)
    summary: str = ""
    workbooks: list[str] = []
    steps: list[RoadmapStep] = []

    @field_validator("steps")
    @classmethod
    def _unique_steps(cls, steps: list[RoadmapStep]) -> list[RoadmapStep]:
        return _unique(steps, "id", "step id")


class Roadmap(_Strict):
    phases: list[Phase] = Field(min_length=1)

    @field_validator("phases")
    @classmethod
    def _unique_phases(cls, phases: list[Phase]) -> list[Phase]:
        return _unique(_unique(phases, "id", "phase id"), "number", "phase number")


class StatutoryDuty(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    title: str = Field(min_length=1)
    detail: str = ""
    evidence_prompt: str = ""


class KeyPhase(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    years: list[int] = Field(min_length=1)
    minimum: int = Field(ge=0)
    requirement: Literal["must_attend", "must_offer"]


class ProviderAccess(_Strict):
    minimum_total: int = Field(ge=0)
    summary: str = ""
    key_phases: list[KeyPhase] = Field(min_length=1)

    @field_validator("key_phases")
    @classmethod
    def _unique_phases(cls, phases: list[KeyPhase]) -> list[KeyPhase]:
        return _unique(phases, "id", "key phase id")


class WebsiteItem(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    text: str = Field(min_length=1)


class Statutory(_Strict):
    duties: list[StatutoryDuty] = Field(min_length=1)
    provider_access: ProviderAccess
    website_items: list[WebsiteItem] = []

    @field_validator("duties")
    @classmethod
    def _unique_duties(cls, duties: list[StatutoryDuty]) -> list[StatutoryDuty]:
        return _unique(duties, "id", "duty id")

    @field_validator("website_items")
    @classmethod
    def _unique_items(cls, items: list[WebsiteItem]) -> list[WebsiteItem]:
        return _unique(items, "id", "website item id")


class KeyRole(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    summary: str = ""
    recommended_attendee: bool = False


class LeadershipStructure(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    summary: str = ""
    strengths: list[str] = []
    limitations: list[str] = []


class Responsibility(_Strict):
    id: Id = Field(pattern=_ID_PATTERN)
    title: str = Field(min_length=1)
    summary: str = ""


class Framework(_Strict):
    """Everything the workbooks say about careers leadership, in one validated object."""

    id: Id = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    version: str = "1"
    source: str = ""
    maturity_model: MaturityModel
    benchmarks: list[Benchmark] = Field(min_length=1)
    roadmap: Roadmap
    statutory: Statutory
    key_roles: list[KeyRole] = Field(min_length=1)
    leadership_structures: list[LeadershipStructure] = Field(min_length=1)
    careers_leader_responsibilities: list[Responsibility] = []

    @field_validator("benchmarks")
    @classmethod
    def _unique_benchmarks(cls, benchmarks: list[Benchmark]) -> list[Benchmark]:
        return _unique(_unique(benchmarks, "id", "benchmark id"), "number", "benchmark number")

    @field_validator("key_roles")
    @classmethod
    def _unique_roles(cls, roles: list[KeyRole]) -> list[KeyRole]:
        return _unique(roles, "id", "role id")

    @field_validator("leadership_structures")
    @classmethod
    def _unique_structures(cls, items: list[LeadershipStructure]) -> list[LeadershipStructure]:
        return _unique(items, "id", "structure id")

    @field_validator("careers_leader_responsibilities")
    @classmethod
    def _unique_responsibilities(cls, items: list[Responsibility]) -> list[Responsibility]:
        return _unique(items, "id", "responsibility id")

    @model_validator(mode="after")
    def _themes_name_real_benchmarks(self) -> Framework:
        known = {b.number for b in self.benchmarks}
        for index, theme in enumerate(self.maturity_model.themes):
            unknown = sorted(set(theme.benchmarks) - known)
            if unknown:
                raise ValueError(
                    f"maturity_model.themes[{index}] ({theme.id}).benchmarks: "
                    f"no benchmark numbered {', '.join(map(str, unknown))}"
                )
        return self

    @property
    def themes(self) -> list[Theme]:
        return self.maturity_model.themes

    @property
    def levels(self) -> list[Level]:
        return self.maturity_model.levels

    def benchmark(self, number: int) -> Benchmark:
        for benchmark in self.benchmarks:
            if benchmark.number == number:
                return benchmark
        raise KeyError(number)

    def role(self, role_id: str) -> KeyRole:
        for role in self.key_roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)


#: Top-level keys a framework file may hold; a hub file may hold any subset of them.
SECTIONS = tuple(Framework.model_fields)
