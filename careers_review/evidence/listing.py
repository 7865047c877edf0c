"""The evidence files as the Collect step lists them: each given or not, read or why not."""

from __future__ import annotations

from dataclasses import dataclass

from .gather import Evidence, resolve_given
from .neet import authorities
from .surveys import SurveyResults

__all__ = ["Loaded", "collected"]


@dataclass(frozen=True)
class Loaded:
    """One file as the Collect step reports it: given or not, read or why not."""

    label: str
    parameter: str
    given: str
    kind: str = ""
    academic_year: str = ""
    rows: str = ""
    error: str = ""
    notes: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        if not self.given:
            return "not provided"
        return "could not be read" if self.error else "read"


def collected(evidence: Evidence) -> list[Loaded]:
    """Each file the page reads, in the order the Collect step lists them."""
    files, errors = evidence.files, evidence.errors
    found: list[Loaded] = []

    def survey(
        key: str, label: str, parameter: str, given: str, result: SurveyResults | None
    ) -> None:
        who = "learners" if key != "parent" else "replies"
        found.append(
            Loaded(
                label,
                parameter,
                given.strip(),
                kind="Learner survey" if key != "parent" else "Parent and carer survey",
                academic_year=result.academic_year if result else "",
                rows=f"{result.respondents:,} {who}" if result else "",
                error=errors.get(key, ""),
                notes=result.notes if result else (),
            )
        )

    survey("learner", "Learner survey", "learner_survey", files.learner_survey, evidence.learner)
    survey(
        "previous",
        "Earlier learner survey",
        "previous_learner_survey",
        files.previous_learner_survey,
        evidence.previous,
    )
    survey(
        "parent", "Parent and carer survey", "parent_survey", files.parent_survey, evidence.parent
    )
    log = evidence.log
    found.append(
        Loaded(
            "Encounters log",
            "encounters_file",
            files.encounters.strip(),
            kind="Encounters log",
            academic_year=", ".join(log.academic_years) if log else "",
            rows=f"{len(log.activities):,} activities" if log else "",
            error=errors.get("encounters", ""),
            notes=log.notes if log else (),
        )
    )
    data = evidence.destinations_file
    found.append(
        Loaded(
            "Destinations",
            "destinations_file",
            files.destinations.strip(),
            kind=data.kind_name if data else "",
            academic_year=data.year_label if data else "",
            rows=(
                ("the school's rows of a large file" if data.filtered else f"{len(data):,} schools")
                if data
                else ""
            ),
            error=errors.get("destinations", ""),
            notes=data.notes if data else (),
        )
    )
    if files.comparisons.strip():
        used = {str(path) for path in data.comparisons} if data else set()
        for path in files.comparison_paths():
            found.append(
                Loaded(
                    "LA or England destinations",
                    "destinations_file",
                    path,
                    kind="Comparison for the school's destinations",
                    rows="used" if str(resolve_given(path)) in used else "not used (see the notes)",
                )
            )
    neet = evidence.neet
    if files.neet.strip():
        found.append(
            Loaded(
                "NEET and not known",
                "destinations_file",
                files.neet.strip(),
                kind="16-17 year olds by local authority",
                academic_year=neet.year if neet else "",
                rows=authorities(len(neet.la_codes())) if neet else "",
                error=errors.get("neet", ""),
                notes=neet.notes if neet else (),
            )
        )
    return found
