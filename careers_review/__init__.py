"""Careers leadership review: the library behind the workbooks, the apps and the command line."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("careers-review")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

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

__all__ = [
    "KPI",
    "Action",
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
    "export_review",
    "import_paths",
    "levels",
    "load_framework",
    "open_workspace",
    "parse_document",
    "priorities",
    "profile",
    "read_documents",
    "resolve_data_dir",
    "review_id_for",
    "strengths",
]
