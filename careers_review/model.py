"""The domain types: a school, its reviews, and the plan that grows from them.

Documents are plain JSON with a schema version, so a review exported today can be read back
tomorrow, by this version or a later one, and compared byte for byte.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import (
    BaseModel,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from .documents import (
    MAX_TEXT,
    SAFE_ID,
    SCHEMA_VERSION,
    Document,
    Focus,
    fill_ids,
    item_id,
    new_id,
)
from .errors import InputError, field_path, quoted
from .planning import KPI, Action, Milestone, Objective, Outcome, Plan, Priority, texts_to_items

if TYPE_CHECKING:
    from .content import Framework

__all__ = [
    "KPI",
    "MAX_TEXT",
    "SAFE_ID",
    "SCHEMA_VERSION",
    "Action",
    "Check",
    "Contact",
    "DutyCheck",
    "Foundations",
    "Milestone",
    "Objective",
    "Outcome",
    "Participant",
    "Plan",
    "Priority",
    "ResponsibilityCheck",
    "Review",
    "School",
    "ThemeRating",
    "academic_year_for",
    "check_review",
    "dump_json",
    "new_id",
    "parse_document",
    "review_id_for",
    "school_year_groups",
    "texts_to_items",
]

_YEAR = re.compile(r"^(\d{4})/(\d{2})\Z", re.ASCII)


class Contact(Document):
    name: str = ""
    email: str = ""
    phone: str = ""


class School(Document):
    """A school's profile: who it is and who leads careers there."""

    schema_version: Literal[1] = SCHEMA_VERSION
    kind: Literal["school"] = "school"
    id: str = Field(pattern=SAFE_ID)
    name: str = Field(min_length=1, max_length=200)
    urn: str = Field(default="", pattern=r"^(\d{6,7})?$")
    school_type: str = ""
    age_range: str = ""
    sixth_form: bool = False
    special: bool = False
    local_authority: str = ""
    headteacher: str = ""
    careers_leader: Contact = Field(default_factory=Contact)
    link_governor: str = ""
    slt_link: str = ""
    leadership_structure: str = ""
    pupils: int | None = Field(default=None, ge=0)
    website: str = ""

    @property
    def year_groups(self) -> tuple[int, ...]:
        """Year groups taught: from the age range, else from whether there is a sixth form."""
        try:
            return school_year_groups(self.age_range)
        except InputError:
            return tuple(range(7, 14 if self.sixth_form else 12))


SECONDARY_YEARS = tuple(range(7, 14))


def school_year_groups(age_range: str) -> tuple[int, ...]:
    """The year groups of a secondary school from its age range: '11-18' gives 7 to 13."""
    match = re.match(r"^\s*(\d{1,2})\s*[-–]\s*(\d{1,2})\s*$", age_range or "")
    if not match:
        raise InputError(f"age range {age_range!r} is not like 11-18")
    first = max(int(match[1]) - 4, SECONDARY_YEARS[0])
    last = min(int(match[2]) - 5, SECONDARY_YEARS[-1])
    if first > last:
        raise InputError(f"age range {age_range!r} has no secondary year groups")
    return tuple(range(first, last + 1))


class Participant(Document):
    id: str = item_id("person")
    name: str = Field(default="", max_length=200)
    role: str = ""


class ThemeRating(Document):
    """What the team agreed for one theme of the maturity model."""

    #: Strict: `true` or "2" in a file is refused rather than read as 1 or 2.
    level: StrictInt | None = Field(default=None, ge=1)
    evidence: str = ""
    notes: str = ""
    focus: Focus = "neither"


ResponsibilityStatus = Literal["", "in_place", "partly", "not_yet"]
DutyStatus = Literal["", "met", "not_met", "not_sure"]
CriterionStatus = Literal["", "achieved", "in_progress", "not_started"]


class Check(Document):
    """One line of a checklist: where the school stands, and a note or the evidence."""

    status: str = ""
    note: str = ""


class ResponsibilityCheck(Check):
    status: ResponsibilityStatus = ""


class DutyCheck(Check):
    status: DutyStatus = ""


class Foundations(Document):
    """Phase 1: the Careers Leader's role, who holds the key roles, and the statutory duties."""

    responsibilities: dict[str, ResponsibilityCheck] = Field(default_factory=dict)
    role_holders: dict[str, str] = Field(default_factory=dict)
    senior_line_manager: str = ""
    protected_hours: float | None = Field(default=None, ge=0, le=60)
    budget: float | None = Field(default=None, ge=0)
    trained: Literal["", "yes", "in_training", "no"] = ""
    duties: dict[str, DutyCheck] = Field(default_factory=dict)
    encounters: dict[str, int] = Field(default_factory=dict)


class Review(Document):
    """One school's internal leadership review for one academic year, with its plan."""

    schema_version: Literal[1] = SCHEMA_VERSION
    kind: Literal["review"] = "review"
    id: str = Field(pattern=SAFE_ID)
    school_id: str = Field(pattern=SAFE_ID)
    academic_year: str
    review_date: date
    framework_id: str = ""
    participants: list[Participant] = Field(default_factory=list)
    ratings: dict[str, ThemeRating] = Field(default_factory=dict)
    foundations: Foundations = Field(default_factory=Foundations)
    gatsby: dict[str, CriterionStatus] = Field(default_factory=dict)
    plan: Plan = Field(default_factory=Plan)

    @model_validator(mode="before")
    @classmethod
    def _ids(cls, data: Any) -> Any:
        return fill_ids(data, {"participants": "person"})

    @field_validator("academic_year")
    @classmethod
    def _academic_year(cls, value: str) -> str:
        match = _YEAR.match(value)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError("must look like 2025/26")
        return value

    def rating(self, theme_id: str) -> ThemeRating:
        return self.ratings.get(theme_id) or ThemeRating()


def academic_year_for(day: date) -> str:
    """English academic years start on 1 September."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def review_id_for(school_id: str, academic_year: str) -> str:
    return f"{school_id}-{academic_year.replace('/', '-')}"


def dump_json(doc: BaseModel) -> str:
    """The canonical text of a document: what export writes and import reads back unchanged."""
    return json.dumps(doc.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


_KINDS: dict[str, type[School] | type[Review]] = {"school": School, "review": Review}


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _unstorable(data: Any) -> tuple[tuple, str] | None:
    """The first value a document could hold but never write back as JSON text: NaN or an
    infinity (written as bare NaN, which JSON does not allow), or text with half of a UTF-16
    pair, which cannot be saved as UTF-8."""
    stack: list[tuple[tuple, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return loc, f"{value} is not a number that can be saved (give a number, or none)"
        if isinstance(value, str) and _LONE_SURROGATE.search(value):
            return loc, "the text holds a broken character (half of a UTF-16 surrogate pair)"
        if isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            continue
        for key, item in reversed(items):
            if isinstance(key, str) and _LONE_SURROGATE.search(key):
                return (*loc, key), "the key holds a broken character (half of a surrogate pair)"
            stack.append(((*loc, key), item))
    return None


def parse_document(data: Any, source: str = "document") -> School | Review:
    """Turn decoded JSON into a School or Review, or say which field of which file is wrong."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with a 'kind' of school or review")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        raise InputError(f"{source}: kind: expected 'school' or 'review', got {quoted(kind)}")
    version = data.get("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise InputError(
            f"{source}: schema_version: this version reads {SCHEMA_VERSION}, got {quoted(version)}"
        )
    unstorable = _unstorable(data)
    if unstorable:
        loc, problem = unstorable
        raise InputError(f"{source}: {field_path(loc)}: {problem}")
    try:
        return _KINDS[kind].model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "missing":
            message = "required field is missing"
        elif first["type"] == "string_pattern_mismatch" and first["loc"][-1] in ("id", "school_id"):
            message = "use 1 to 64 letters, digits, '-' or '_' (no spaces, dots or slashes)"
        raise InputError(f"{source}: {field_path(tuple(first['loc']))}: {message}") from None


def check_review(review: Review, framework: Framework, source: str = "review") -> Review:
    """Refuse a review that names themes, levels or roles the framework in use does not have."""
    themes = {theme.id for theme in framework.themes}
    top = len(framework.levels)
    for theme_id, rating in review.ratings.items():
        if theme_id not in themes:
            raise InputError(
                f"{source}: {field_path(('ratings', theme_id))}: unknown theme "
                f"(this framework has: {', '.join(sorted(themes))})"
            )
        if rating.level is not None and not 1 <= rating.level <= top:
            raise InputError(
                f"{source}: ratings.{theme_id}.level: {quoted(rating.level)} is out of range "
                f"1 to {top}"
            )
    roles = {role.id for role in framework.key_roles}
    for index, participant in enumerate(review.participants):
        if participant.role and participant.role not in roles:
            raise InputError(
                f"{source}: participants[{index}].role: unknown role {quoted(participant.role)}"
            )
    checks = [
        (
            "foundations.responsibilities",
            review.foundations.responsibilities,
            {r.id for r in framework.careers_leader_responsibilities},
        ),
        ("foundations.role_holders", review.foundations.role_holders, roles),
        (
            "foundations.duties",
            review.foundations.duties,
            {d.id for d in framework.statutory.duties},
        ),
        (
            "foundations.encounters",
            review.foundations.encounters,
            {k.id for k in framework.statutory.provider_access.key_phases},
        ),
        ("gatsby", review.gatsby, {c.id for b in framework.benchmarks for c in b.criteria}),
    ]
    for where, given, known in checks:
        unknown = sorted(set(cast(Iterable[str], given)) - known)
        if unknown:
            raise InputError(
                f"{source}: {field_path((*where.split('.'), unknown[0]))}: not in this framework"
            )
    benchmarks = {b.number for b in framework.benchmarks}
    for p_index, priority in enumerate(review.plan.priorities):
        links = [("link", priority.link)] + [
            (f"actions[{a_index}].link", action.link)
            for a_index, action in enumerate(priority.actions)
        ]
        for field, link in links:
            kind, _, ref = link.partition(":")
            bad = (kind == "theme" and ref not in themes) or (
                kind == "benchmark" and int(ref) not in benchmarks
            )
            if bad:
                raise InputError(
                    f"{source}: plan.priorities[{p_index}].{field}: "
                    f"{quoted(link)} is not in this framework"
                )
    return review
