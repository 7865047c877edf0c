"""From the evidence to proposed actions the team can adopt, edit or drop.

A pure function: the gaps found in the encounters log, the surveys and the destinations become
`Action`s for the strategic careers plan, worded for a headteacher and each with a measure of
success. Nothing is owned or dated yet; the team decides that in the meeting.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..content import Framework, default_framework
from ..errors import InputError
from ..model import Action
from .destinations import DestinationFigures, Measure, SchoolDestinations
from .encounters import EncounterCoverage, Gap
from .surveys import ItemChange, SurveyResults, change_since

__all__ = ["FALLING_BY", "LOW_POSITIVE", "propose_actions"]

#: A statement with fewer agreeing than this (% of valid answers) is low.
LOW_POSITIVE = 60.0
#: A fall of at least this many percentage points since the last survey is worth acting on.
FALLING_BY = 5.0

_WHO = {"learner": "learners", "parent": "parents and carers"}
_LEAVERS = {
    "ks4": "Year 11 leavers",
    "ks5": "students leaving 16-18 study",
    "ees": "leavers",
}
#: Benchmark that destinations analysis and stakeholder feedback belong to.
_DESTINATIONS_BENCHMARK = 3
_FEEDBACK_BENCHMARK = 1


def _percent(value: float) -> str:
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 else f"{value:.1f}%"


def _years(groups: Iterable[int]) -> str:
    names = [str(group) for group in groups]
    if len(names) == 1:
        return f"Year {names[0]}"
    return f"Years {', '.join(names[:-1])} and {names[-1]}"


def _encounter_actions(coverage: EncounterCoverage) -> list[tuple[str, int, str]]:
    year = coverage.academic_year
    found: list[tuple[str, int, str]] = []
    missing_employer: list[Gap] = []
    for gap in coverage.gaps:
        if gap.kind == "no_employer_encounter":
            missing_employer.append(gap)
            continue
        phase = gap.key_phase
        assert phase is not None
        more = phase.short_by
        plural = "" if more == 1 else "s"
        logged = f"{phase.count} logged so far, the duty asks for at least {phase.minimum}"
        if phase.requirement == "must_offer":
            what = (
                f"Put on {more} more provider encounter{plural} for {phase.name} before the end "
                f"of {year}, so colleges, apprenticeship and technical education providers can "
                f"meet these students; attending is their choice, offering it is not "
                f"({logged})."
            )
        else:
            what = (
                f"Arrange {more} more provider encounter{plural} for every pupil in "
                f"{phase.name} before the end of {year}: colleges, apprenticeship and technical "
                f"education providers speaking to them in school ({logged})."
            )
        found.append(
            (
                what,
                gap.benchmark,
                f"The encounters log shows at least {phase.minimum} provider encounters "
                f"for {phase.name} in {year}.",
            )
        )
    if missing_employer:
        groups = [group for gap in missing_employer for group in gap.year_groups]
        found.append(
            (
                f"Plan at least one meaningful employer encounter in {year} for "
                f"{_years(groups)}, such as an employer talk, mentoring or an enterprise "
                "day, so every year group meets employers every year.",
                missing_employer[0].benchmark,
                f"Every year group has at least one employer encounter in the log for {year}.",
            )
        )
    return found


def _survey_actions(
    surveys: Iterable[SurveyResults], low_positive: float, falling_by: float
) -> list[tuple[str, int, str]]:
    by_kind: dict[str, dict[str, SurveyResults]] = {}
    for survey in surveys:
        same = by_kind.setdefault(survey.kind, {})
        if survey.academic_year in same:
            raise InputError(
                f"{survey.path}: a second {survey.kind} survey for {survey.academic_year} "
                f"(the first is {same[survey.academic_year].path}); pass one per year"
            )
        same[survey.academic_year] = survey
    found: list[tuple[str, int, str]] = []
    for kind in ("learner", "parent"):
        years = sorted(by_kind.get(kind, {}))
        if not years:
            continue
        current = by_kind[kind][years[-1]]
        previous = by_kind[kind][years[-2]] if len(years) > 1 else None
        who = _WHO[kind]
        changes = (
            change_since(current, previous)
            if previous
            else [ItemChange(item, current.percent_positive(item), None) for item in current.items]
        )
        for change in changes:
            now = change.current
            if now is None:
                continue
            low = now < low_positive
            falling = change.change is not None and change.change <= -falling_by
            if not (low or falling):
                continue
            statement = f"\u201c{change.item}\u201d"
            if falling:
                assert previous is not None and change.previous is not None
                since = f", down from {_percent(change.previous)} in {previous.academic_year}"
            else:
                since = ""
            if low:
                what = (
                    f"Only {_percent(now)} of {who} agreed that {statement} in "
                    f"{current.academic_year}{since}. Ask them why, and change the careers "
                    "programme in response."
                )
                target = max(low_positive, change.previous or 0.0)
            else:
                what = (
                    f"Agreement among {who} that {statement} fell to {_percent(now)} in "
                    f"{current.academic_year}{since}. Find out what changed and put it right."
                )
                target = change.previous or low_positive
            found.append(
                (
                    what,
                    _FEEDBACK_BENCHMARK,
                    f"At least {_percent(target)} of {who} agree in the next survey.",
                )
            )
    return found


def _comparable(measure: Measure | None) -> float | None:
    """A number to compare: 'below 0.5%' counts as just under half a per cent."""
    if measure is None:
        return None
    if measure.value is not None:
        return float(measure.value)
    return 0.25 if measure.small else None


def _destination_actions(dest: SchoolDestinations) -> list[tuple[str, int, str]]:
    area: DestinationFigures | None = dest.local_authority
    if area is not None:
        area_name, area_short = f"the local authority ({area.name})", "the local authority's"
    else:
        area = dest.england
        area_name = f"England (the file has no figures for {dest.la_name})"
        area_short = "England's"
    if area is None:
        return []
    leavers = _LEAVERS[dest.kind]
    found: list[tuple[str, int, str]] = []
    for key in ("not_sustained", "unknown"):
        school, other = dest.split.get(key), area.split.get(key)
        mine, theirs = _comparable(school), _comparable(other)
        if mine is None or theirs is None or mine <= theirs:
            continue
        assert school is not None and other is not None
        theirs_text = "under 0.5%" if other.small else _percent(float(theirs))
        if key == "not_sustained":
            what = (
                f"{_percent(mine)} of the school's {leavers} did not stay in education, an "
                f"apprenticeship or work (not sustained), more than {area_name} at "
                f"{theirs_text}. Find the pupils at risk earlier and plan their move on with "
                "colleges, providers and the local authority before they leave."
            )
            measure = f"The not sustained rate is at or below {area_short} in the next data."
        else:
            what = (
                f"The destination of {_percent(mine)} of the school's {leavers} is not known, "
                f"more than {area_name} at {theirs_text}. Agree with the local authority how "
                "leavers are followed up, and share intended destinations before pupils leave."
            )
            measure = f"Unknown destinations are at or below {area_short} in the next data."
        found.append((what, _DESTINATIONS_BENCHMARK, measure))
    return found


def propose_actions(
    *,
    encounters: EncounterCoverage | None = None,
    surveys: Iterable[SurveyResults] = (),
    destinations: SchoolDestinations | None = None,
    framework: Framework | None = None,
    low_positive: float = LOW_POSITIVE,
    falling_by: float = FALLING_BY,
) -> list[Action]:
    """Proposed actions for the gaps the evidence shows, numbered e1, e2, ...

    - encounters: each key phase below its provider access minimum, and the year groups with
      no employer encounter (one action for all of them);
    - surveys: pass every survey loaded; for each kind the latest year is compared with the
      one before, and each statement below `low_positive` % positive or down by `falling_by`
      points or more gets an action;
    - destinations: not sustained or unknown above the local authority (or England when the
      file has no row for the LA).

    Links name a benchmark only when the framework in use has it.
    """
    framework = framework or default_framework()
    known = {benchmark.number for benchmark in framework.benchmarks}
    proposals: list[tuple[str, int, str]] = []
    if encounters is not None:
        proposals += _encounter_actions(encounters)
    proposals += _survey_actions(surveys, low_positive, falling_by)
    if destinations is not None:
        proposals += _destination_actions(destinations)
    return [
        Action(
            id=f"e{number}",
            what=what,
            link=f"benchmark:{benchmark}" if benchmark in known else "",
            owner="",
            status="not_started",
            success_measure=measure,
        )
        for number, (what, benchmark, measure) in enumerate(proposals, start=1)
    ]
