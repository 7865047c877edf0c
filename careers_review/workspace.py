"""A data directory opened for work: its store and its framework, resolved one way everywhere."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .content import Framework, data_dir_framework
from .store import DB_NAME, Store, resolve_data_dir

__all__ = [
    "EVIDENCE_FOLDER",
    "FRAMEWORK_ENV",
    "READ_ONLY_ENV",
    "Workspace",
    "framework_in_use",
    "hide_paths",
    "open_workspace",
    "read_only_requested",
]

#: Set by `careers-review serve` and `lab` so every kernel uses the framework the server was given.
FRAMEWORK_ENV = "CAREERS_REVIEW_FRAMEWORK"
#: Set (to 1) by `careers-review serve --read-only`: every kernel opens the store read-only.
READ_ONLY_ENV = "CAREERS_REVIEW_READ_ONLY"
#: Where a hub keeps each school's files so the served app finds them without parameters.
EVIDENCE_FOLDER = "evidence"


def hide_paths(text: str, data_dir: str | os.PathLike[str] | None) -> str:
    """A message for a page: the server's folders called by what they are, never by path."""
    root = str(resolve_data_dir(data_dir))
    text = re.sub(
        re.escape(os.path.join(root, EVIDENCE_FOLDER)) + r"/[^/\s:]+", "your evidence folder", text
    )
    text = text.replace(os.path.join(root, DB_NAME), "the store")
    return text.replace(root, "the data directory")


@dataclass
class Workspace:
    data_dir: Path
    store: Store
    framework: Framework

    def close(self) -> None:
        self.store.close()


def read_only_requested() -> bool:
    """Whether the server asked its kernels to leave the store as it is (the variable is 1)."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def open_workspace(
    data_dir: str | os.PathLike[str] | None = None,
    framework: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    read_only: bool | None = None,
) -> Workspace:
    """Data directory: argument, $CAREERS_REVIEW_DATA, ./careers-review-data.
    Framework: argument, $CAREERS_REVIEW_FRAMEWORK, DATA_DIR/framework.yaml, else built-in.
    Read-only: argument, else $CAREERS_REVIEW_READ_ONLY; a read-only store is never created."""
    folder = resolve_data_dir(data_dir)
    loaded = framework_in_use(folder, framework)
    if read_only is None:
        read_only = read_only_requested()
    store = Store(folder, create=create and not read_only, read_only=read_only)
    return Workspace(folder, store, loaded)


def framework_in_use(
    data_dir: str | os.PathLike[str] | None = None, framework: str | os.PathLike[str] | None = None
) -> Framework:
    """The framework a data directory works with, without opening (or creating) its store."""
    chosen = framework or os.environ.get(FRAMEWORK_ENV) or None
    return data_dir_framework(resolve_data_dir(data_dir), chosen)
