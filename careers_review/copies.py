"""A data directory's own copy of the workbooks (stub: filled in by the copies work)."""

from __future__ import annotations

import os
from pathlib import Path

from .resources import find_workbooks

__all__ = ["workbook_folder"]


def workbook_folder(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The workbooks to run for a data directory: its own copy when it has one."""
    if data_dir is not None:
        own = Path(data_dir) / "workbooks"
        if (own / "00_start_here.ipynb").is_file():
            return own
    return find_workbooks()
