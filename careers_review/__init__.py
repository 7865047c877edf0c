"""Careers leadership review: the library behind the workbooks, the apps and the command line."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("careers-review")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

from .batch import BatchReport, SchoolResult, run_batch
from .checks import CheckReport, check_data_dir
from .content import Framework, default_framework, load_framework
from .errors import (
    CareersReviewError,
    FrameworkError,
    InputError,
    NotFoundError,
    StoreError,
    UnknownReviewError,
    UnknownSchoolError,
)
from .exchange import ImportReport, export_review, import_paths, read_documents
from .model import (
    KPI,
    Action,
    Contact,
    Milestone,
    Participant,
    Plan,
    Priority,
    Review,
    School,
    ThemeRating,
    academic_year_for,
    check_review,
    dump_json,
    parse_document,
    review_id_for,
)
from .store import Revision, SaveResult, Store, resolve_data_dir
from .summary import Profile, ThemeChange, change_since, levels, priorities, profile, strengths
from .workspace import Workspace, open_workspace

# Reports and plan files pull in matplotlib, nbconvert and office libraries: load on first use.
_LAZY = {
    "export_report": "report",
    "render_report": "report",
    "plan_document": "exports",
    "plan_workbook": "exports",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "KPI",
    "Action",
    "BatchReport",
    "CareersReviewError",
    "CheckReport",
    "Contact",
    "Framework",
    "FrameworkError",
    "ImportReport",
    "InputError",
    "Milestone",
    "NotFoundError",
    "Participant",
    "Plan",
    "Priority",
    "Profile",
    "Review",
    "Revision",
    "SaveResult",
    "School",
    "SchoolResult",
    "Store",
    "StoreError",
    "ThemeChange",
    "ThemeRating",
    "UnknownReviewError",
    "UnknownSchoolError",
    "Workspace",
    "__version__",
    "academic_year_for",
    "change_since",
    "check_data_dir",
    "check_review",
    "default_framework",
    "dump_json",
    "export_report",
    "export_review",
    "import_paths",
    "levels",
    "load_framework",
    "open_workspace",
    "parse_document",
    "plan_document",
    "plan_workbook",
    "priorities",
    "profile",
    "read_documents",
    "render_report",
    "resolve_data_dir",
    "review_id_for",
    "run_batch",
    "strengths",
]
