"""Gathering a school's evidence for the impact evaluation: which files, read once, and what
each gave or why it could not be read; and how far each of the plan's KPIs has come.

A file that is missing or wrong spoils only its own part: its message (file, row, column) is
kept beside the results of the files that were read, and nothing is raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from ..content import Framework
from ..errors import InputError
from ..model import KPI, Action, School
from ..workspace import hide_paths
from .actions import propose_actions
from .destinations import DestinationsFile, SchoolDestinations, load_destinations
from .encounters import EncounterCoverage, EncountersLog, load_encounters, school_year_groups
from .neet import NeetFile, is_neet_file, load_neet
from .surveys import ItemChange, SurveyResults, change_since, load_survey
from .uploads import COMPARISON_STEM

__all__ = [
    "UPLOAD_HINT",
    "Evidence",
    "EvidenceFiles",
    "discover_evidence",
    "gather_evidence",
    "kpi_progress",
    "progress_text",
    "resolve_given",
]

#: What a section without its file says to do (each kind of evidence has its upload button).
UPLOAD_HINT = "Upload it with the button below"

T = TypeVar("T")


@dataclass(frozen=True)
class EvidenceFiles:
    """The data files a school brings; an empty path means "not provided"."""

    destinations: str = ""
    urn: str = ""
    learner_survey: str = ""
    previous_learner_survey: str = ""
    parent_survey: str = ""
    encounters: str = ""
    #: LA- and England-level destinations files (EES publishes them apart from the school's),
    #: separated by ";".
    comparisons: str = ""
    #: The EES NEET and not-known file for 16-17 year olds by local authority.
    neet: str = ""

    def comparison_paths(self) -> list[str]:
        return [part.strip() for part in self.comparisons.split(";") if part.strip()]

    def split(self) -> EvidenceFiles:
        """`destinations` may list several files separated by ";": the school's first, then
        its LA and England files and the NEET file (told apart by their columns)."""
        parts = [part.strip() for part in self.destinations.split(";") if part.strip()]
        if len(parts) < 2:
            return self
        neet = [p for p in parts[1:] if is_neet_file(resolve_given(p))]
        others = [p for p in parts[1:] if p not in neet]
        return replace(
            self,
            destinations=parts[0],
            comparisons=";".join([*others, *self.comparison_paths()]),
            neet=self.neet or (neet[0] if neet else ""),
        )


_PATTERNS = {
    "destinations": ("*destinations*.csv", "*pupdest*.csv", "*studest*.csv"),
    "comparisons": (f"{COMPARISON_STEM}*.csv",),
    "neet": ("neet*.csv",),
    "learner_survey": ("learner_survey_*.csv",),
    "parent_survey": ("parent_survey_*.csv",),
    "encounters": ("encounters_*.csv",),
}


_ACADEMIC_YEAR = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?=[_.])")
_UPLOADED = re.compile(r"_(\d{4}-\d{2}-\d{2}_\d{4})(?:-(\d+))?\.csv$")
#: Kinds whose newest file is the latest academic year in its name, then the latest upload.
_BY_YEAR = {"learner_survey", "parent_survey", "encounters"}


def _year_named(path: Path) -> str:
    """The academic year a file's name gives ("learner_survey_2026-27.csv": 2026-27), or ''."""
    for match in _ACADEMIC_YEAR.finditer(path.name):
        if (int(match[1]) + 1) % 100 == int(match[2]):
            return match[0]
    return ""


def _newness(kind: str, path: Path) -> tuple[str, str, int, str]:
    """How new a file is by its name: its academic year (surveys and logs), then the time it
    was uploaded (`..._2026-12-02_1042-2.csv`), then the name itself."""
    uploaded = _UPLOADED.search(path.name)
    stamp, number = (uploaded[1], int(uploaded[2] or 1)) if uploaded else ("", 0)
    year = _year_named(path) if kind in _BY_YEAR else ""
    return year, stamp, number, path.name


def discover_evidence(folder: Path, files: EvidenceFiles) -> EvidenceFiles:
    """Fill the files not given from a school's evidence folder (DATA_DIR/evidence/<school>/):
    the newest file of each kind (see `_newness`), and as the earlier learner survey the
    newest one of an earlier academic year."""
    files = files.split()
    if not folder.is_dir():
        return files
    found: dict[str, list[Path]] = {}
    for kind, patterns in _PATTERNS.items():
        every = {p for pattern in patterns for p in folder.glob(pattern) if p.is_file()}
        if kind == "destinations":
            every = {p for p in every if not p.name.startswith(COMPARISON_STEM)}
        found[kind] = sorted(every, key=lambda path: _newness(kind, path))
    chosen = {}
    for kind, paths in found.items():
        if paths and not getattr(files, kind):
            chosen[kind] = str(paths[-1])
    if found["comparisons"] and not files.comparisons:
        # Every comparison kept (an LA file and an England file), the newest first.
        chosen["comparisons"] = ";".join(str(p) for p in reversed(found["comparisons"]))
    surveys = found["learner_survey"]
    if len(surveys) > 1 and not files.previous_learner_survey and not files.learner_survey:
        year = _year_named(surveys[-1])
        earlier = [
            p for p in surveys[:-1] if not year or not _year_named(p) or _year_named(p) < year
        ]
        if earlier:
            chosen["previous_learner_survey"] = str(earlier[-1])
    return replace(files, **chosen)


@dataclass
class Evidence:
    """Everything the evidence files gave, with a plain message wherever one failed."""

    files: EvidenceFiles
    academic_year: str
    learner: SurveyResults | None = None
    previous: SurveyResults | None = None
    parent: SurveyResults | None = None
    changes: list[ItemChange] | None = None
    change_error: str = ""
    log: EncountersLog | None = None
    coverage: EncounterCoverage | None = None
    coverage_note: str = ""
    destinations_file: DestinationsFile | None = None
    destinations: SchoolDestinations | None = None
    destinations_note: str = ""
    neet: NeetFile | None = None
    errors: dict[str, str] = field(default_factory=dict)
    proposals: list[Action] = field(default_factory=list)
    proposals_error: str = ""
    data_dir: Path | None = None  # named on the page by what it is, never by its path

    def shown(self, text: str) -> str:
        return hide_paths(text, self.data_dir) if self.data_dir else text

    @property
    def any_given(self) -> bool:
        f = self.files
        given = (f.destinations, f.learner_survey, f.previous_learner_survey, f.parent_survey)
        return any(text.strip() for text in (*given, f.encounters, f.comparisons, f.neet))


def resolve_given(given: str) -> Path:
    """Relative paths are taken from the current directory (the notebook's folder in Voilà)."""
    path = Path(given).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def gather_evidence(
    files: EvidenceFiles,
    school: School,
    framework: Framework,
    academic_year: str,
    data_dir: Path | None = None,
) -> Evidence:
    """Read every file given; an `InputError` is kept as that file's message, never raised."""
    files = files.split()
    found = Evidence(files, academic_year, data_dir=data_dir)

    def attempt(key: str, given: str, read: Callable[[Path], T]) -> T | None:
        if not given.strip():
            return None
        try:
            return read(resolve_given(given.strip()))
        except InputError as exc:
            found.errors[key] = found.shown(str(exc))
            return None

    found.learner = attempt("learner", files.learner_survey, lambda p: load_survey(p, "learner"))
    found.previous = attempt(
        "previous", files.previous_learner_survey, lambda p: load_survey(p, "learner")
    )
    found.parent = attempt("parent", files.parent_survey, lambda p: load_survey(p, "parent"))
    if found.learner is not None and found.previous is not None:
        try:
            found.changes = change_since(found.learner, found.previous)
        except InputError as exc:
            found.change_error = found.shown(str(exc))
    found.log = attempt("encounters", files.encounters, load_encounters)
    if found.log is not None:
        _cover(found, school, framework)
    urn = files.urn.strip() or school.urn

    def destinations(path: Path) -> DestinationsFile:
        others = [resolve_given(other) for other in files.comparison_paths()]
        return load_destinations(path, comparisons=others, urn=urn or None)

    found.destinations_file = attempt("destinations", files.destinations, destinations)
    found.neet = attempt("neet", files.neet, load_neet)
    if found.destinations_file is not None:
        _find_school(found, school)
    surveys = [s for s in (found.learner, found.parent) if s is not None]
    if found.previous is not None and found.changes is not None:
        surveys.append(found.previous)
    try:
        found.proposals = propose_actions(
            encounters=found.coverage,
            surveys=surveys,
            destinations=found.destinations,
            framework=framework,
        )
    except InputError as exc:
        found.proposals_error = found.shown(str(exc))
    return found


def _cover(found: Evidence, school: School, framework: Framework) -> None:
    log = found.log
    assert log is not None
    try:
        groups: tuple[int, ...] | None = school_year_groups(school.age_range)
    except InputError:
        groups = None
    years = log.academic_years
    year = found.academic_year if found.academic_year in years else years[-1]
    if year != found.academic_year:
        found.coverage_note = (
            f"The log has no activities in {found.academic_year}, so it is shown for {year}, "
            "the latest year it covers."
        )
    found.coverage = log.coverage(year, year_groups=groups, framework=framework)


def _find_school(found: Evidence, school: School) -> None:
    data = found.destinations_file
    assert data is not None
    urn = found.files.urn.strip() or school.urn
    if not urn:
        found.destinations_note = (
            "The school's profile has no URN, so its figures cannot be found in the "
            "destinations file: add the school's six-digit unique reference number to its "
            "profile on the start page."
        )
        return
    if urn not in set(data.urns()):
        found.destinations_note = (
            f"URN {urn} is not in this destinations file ({data.path.name}, "
            f"{len(data):,} schools). Upload a file that includes the school, or check the URN "
            "in the school's profile on the start page."
        )
        return
    found.destinations = data.school(urn)


def kpi_progress(kpi: KPI) -> float | None:
    """How far from baseline to target the current value has come, as a % (None if unknown).

    Works for KPIs that should fall as well as rise: baseline 12 and target 3 with current 6
    is 67%. Below 0 means it moved away from the target; above 100, past it.
    """
    if kpi.baseline is None or kpi.target is None or kpi.current is None:
        return None
    if kpi.target == kpi.baseline:
        return None
    return 100.0 * (kpi.current - kpi.baseline) / (kpi.target - kpi.baseline)


def progress_text(kpi: KPI) -> str:
    """The progress as the page writes it, or why there is none."""
    progress = kpi_progress(kpi)
    if progress is not None:
        return f"{progress:.0f}%"
    if kpi.current is None:
        return "not measured yet"
    if kpi.baseline is None or kpi.target is None:
        return "needs a baseline and a target"
    return "target equals baseline"
