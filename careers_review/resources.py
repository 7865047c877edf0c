"""Where the project's workbooks and report templates are, in a checkout or an install."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError

__all__ = ["START_PAGE", "find_templates", "find_workbooks"]

START_PAGE = "00_start_here.ipynb"
_ROOT = Path(__file__).resolve().parent.parent


def _find(explicit: str | os.PathLike[str] | None, name: str, marker: str) -> Path:
    candidates = [Path(explicit)] if explicit else [_ROOT / name, Path.cwd() / name]
    for candidate in candidates:
        if (candidate / marker).exists():
            return candidate.resolve()
    raise InputError(f"{candidates[0]}: no {name} folder with {marker} here (pass --{name} DIR)")


def find_workbooks(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The workbooks folder: the one given, else the one beside the package, else ./workbooks."""
    return _find(explicit, "workbooks", START_PAGE)


def find_templates(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The nbconvert templates folder, found the same way as the workbooks."""
    return _find(explicit, "templates", "careers_report/conf.json")
