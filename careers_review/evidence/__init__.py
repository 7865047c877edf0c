"""Loaders for the evidence behind the impact evaluation: destinations, surveys, encounters.

Each loader reads a whole CSV file, checks every row and either returns plain, immutable
results or raises `InputError` with the file, row and column. `propose_actions` turns what they
find into draft actions for the strategic careers plan.
"""

from __future__ import annotations

from .actions import FALLING_BY, LOW_POSITIVE, propose_actions
from .destinations import (
    SPLIT_LABELS,
    DestinationFigures,
    DestinationsFile,
    EarlierYear,
    GroupFigures,
    Measure,
    SchoolDestinations,
    load_destinations,
    load_la_names,
)
from .encounters import (
    ENCOUNTER_TYPES,
    Activity,
    EncounterCoverage,
    EncountersLog,
    Gap,
    KeyPhaseCoverage,
    load_encounters,
    parse_year_groups,
    school_year_groups,
)
from .surveys import SCALE, ItemChange, ItemScore, SurveyResults, change_since, load_survey

__all__ = [
    "ENCOUNTER_TYPES",
    "FALLING_BY",
    "LOW_POSITIVE",
    "SCALE",
    "SPLIT_LABELS",
    "Activity",
    "DestinationFigures",
    "DestinationsFile",
    "EarlierYear",
    "EncounterCoverage",
    "EncountersLog",
    "Gap",
    "GroupFigures",
    "ItemChange",
    "ItemScore",
    "KeyPhaseCoverage",
    "Measure",
    "SchoolDestinations",
    "SurveyResults",
    "change_since",
    "load_destinations",
    "load_encounters",
    "load_la_names",
    "load_survey",
    "parse_year_groups",
    "propose_actions",
    "school_year_groups",
]
