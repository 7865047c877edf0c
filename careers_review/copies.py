"""A data directory's own copy of the workbooks: made on first use by `lab` and `serve`, kept
up to date with the package, and never overwritten once the careers leader has edited it.

DATA_DIR/workbooks/.workbooks-manifest.json records what was copied:
`{"format": 1, "package_version": "0.3.0", "files": {"00_start_here.ipynb": "<sha256>", ...}}`,
each digest that of the file as copied ("" for a file that was there before any copy). A copy
whose digest still matches was not edited, so a newer package version replaces it; an edited
one is left alone and the newer version is written beside it as NAME.new.ipynb."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .files import atomic_write_bytes, atomic_write_text
from .resources import find_workbooks

__all__ = [
    "COPY_FOLDER",
    "MANIFEST",
    "Synced",
    "WorkbookState",
    "copy_folder",
    "list_workbooks",
    "reset_workbook",
    "sync_workbooks",
    "workbook_folder",
    "workbook_states",
    "workbooks_report",
]

#: The copy's folder inside the data directory.
COPY_FOLDER = "workbooks"
#: The hidden manifest inside the copy (never served: Voilà refuses hidden and .json files).
MANIFEST = ".workbooks-manifest.json"
NEW_SUFFIX = ".new.ipynb"
EDITED_SUFFIX = ".edited"
_FORMAT = 1

AS_COPIED, EDITED, WAITING = "as copied", "edited", "newer version waiting"


def workbook_folder(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The workbooks to run for a data directory: its own copy when it has one."""
    if data_dir is not None:
        own = Path(data_dir) / COPY_FOLDER
        if (own / "00_start_here.ipynb").is_file():
            return own
    return find_workbooks()


def copy_folder(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / COPY_FOLDER


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str | None:
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return None


def _package_files(package: Path) -> dict[str, bytes]:
    """The package's workbooks by name (voila.json stays in the package: the server's
    settings are the product's, not the copy's)."""
    return {
        path.name: path.read_bytes()
        for path in sorted(package.glob("*.ipynb"))
        if path.is_file() and not path.name.startswith(".")
    }


def _read_manifest(folder: Path) -> dict[str, str]:
    """The digests recorded at the last copy; a missing or damaged manifest records nothing,
    so no file is then taken to be unedited."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if isinstance(v, str)}


def _write_manifest(folder: Path, files: dict[str, str]) -> None:
    from . import __version__

    data = {"format": _FORMAT, "package_version": __version__, "files": dict(sorted(files.items()))}
    atomic_write_text(folder / MANIFEST, json.dumps(data, indent=2) + "\n")


def _new_name(name: str) -> str:
    return name.removesuffix(".ipynb") + NEW_SUFFIX


def _reset_hint(name: str, data_dir: Path) -> str:
    stem = name.removesuffix(".ipynb")
    return shlex.join(["careers-review", "workbooks", "--reset", stem, "--data-dir", str(data_dir)])


@dataclass(frozen=True)
class Synced:
    """The copy after a sync, and the lines to print about it (one for each workbook whose
    newer version waits beside an edited copy)."""

    folder: Path
    notes: list[str] = field(default_factory=list)


def sync_workbooks(
    data_dir: str | os.PathLike[str], *, package: str | os.PathLike[str] | None = None
) -> Synced:
    """Make the data directory's copy of the package's workbooks, or bring it up to date.

    `package` is the workbooks folder the copy comes from (default: the package's own)."""
    data_dir = Path(data_dir)
    source = _package_files(find_workbooks(package))
    folder = copy_folder(data_dir)
    recorded = _read_manifest(folder)
    files: dict[str, str] = {}
    notes: list[str] = []
    if not recorded and not any(folder.glob("*.ipynb")):
        notes.append(
            f"Copied the workbooks to {folder}: edit them there (`careers-review lab`); "
            "your edits are kept when the package is upgraded."
        )
    for name, data in source.items():
        target, digest = folder / name, _digest(data)
        current, base = _file_digest(target), recorded.get(name)
        waiting = folder / _new_name(name)
        if current is None or current == base:  # missing, or not edited since it was copied
            if current != digest:
                atomic_write_bytes(target, data)
            files[name] = digest
        elif current == digest:  # the same as the package's, however it got there
            files[name] = digest
        else:  # edited: keep it; the package's version waits beside it when it differs
            files[name] = base if base is not None else ""
            if files[name] != digest and _file_digest(waiting) != digest:
                atomic_write_bytes(waiting, data)
                notes.append(
                    f"{name}: you have edited it, so the newer version from the package is "
                    f"beside it as {waiting.name}; to take the new one: "
                    f"{_reset_hint(name, data_dir)}"
                )
        if files[name] == digest and _file_digest(waiting) == digest:
            waiting.unlink()  # the waiting version was taken: it is the workbook now
    for name, base in recorded.items():
        if name not in source and _file_digest(folder / name) == base:
            (folder / name).unlink()  # no longer in the package, and never edited here
    if files != recorded or not (folder / MANIFEST).is_file():
        _write_manifest(folder, files)
    return Synced(folder, notes)


@dataclass(frozen=True)
class WorkbookState:
    name: str
    #: "as copied", "edited", "newer version waiting", or "your own" (not from the package)
    state: str
    #: The newer version's file beside an edited copy, when there is one.
    waiting: str = ""


def workbook_states(
    data_dir: str | os.PathLike[str], *, package: str | os.PathLike[str] | None = None
) -> list[WorkbookState]:
    """Each notebook in the copy and how it stands against the package (no writing)."""
    folder = copy_folder(data_dir)
    recorded = _read_manifest(folder)
    source = _package_files(find_workbooks(package))
    states = []
    for name, base in sorted(recorded.items()):
        current = _file_digest(folder / name)
        if current is None:
            continue
        latest = _digest(source[name]) if name in source else base
        if current in (base, latest):
            states.append(WorkbookState(name, AS_COPIED))
        elif latest != base:
            states.append(WorkbookState(name, WAITING, _new_name(name)))
        else:
            states.append(WorkbookState(name, EDITED))
    listed = {s.name for s in states} | {_new_name(s.name) for s in states if s.waiting}
    for path in sorted(folder.glob("*.ipynb")):
        if path.name not in listed and not path.name.startswith("."):
            states.append(WorkbookState(path.name, "your own"))
    return states


def _known(name: str, source: dict[str, bytes]) -> str:
    wanted = name if name.endswith(".ipynb") else name + ".ipynb"
    if wanted not in source:
        known = ", ".join(n.removesuffix(".ipynb") for n in source)
        raise InputError(f"no workbook called {name!r}; the workbooks are: {known}")
    return wanted


def _aside(folder: Path, name: str) -> Path:
    stem = name.removesuffix(".ipynb")
    for n in range(1, 1000):
        candidate = folder / f"{stem}{EDITED_SUFFIX}{'' if n == 1 else f'-{n}'}.ipynb"
        if not candidate.exists():
            return candidate
    raise InputError(f"{folder}: too many earlier edits of {name} kept; remove some")


def reset_workbook(
    data_dir: str | os.PathLike[str],
    name: str,
    *,
    package: str | os.PathLike[str] | None = None,
) -> str:
    """Put the package's version of one workbook (NAME with or without .ipynb) in the copy.
    An edited copy is first renamed NAME.edited.ipynb, so nothing typed is lost. Returns
    what to print."""
    source = _package_files(find_workbooks(package))
    name = _known(name, source)
    synced = sync_workbooks(data_dir, package=package)
    folder = synced.folder
    recorded = _read_manifest(folder)
    target, data = folder / name, source[name]
    current = _file_digest(target)
    kept = ""
    if current == _digest(data):
        said = f"{name} is already the package's version."
    else:
        if current is not None and current != recorded.get(name):
            aside = _aside(folder, name)
            os.replace(target, aside)
            kept = f"; your edited one is kept as {aside.name}"
        atomic_write_bytes(target, data)
        said = f"Restored {name} from the package{kept}."
    (folder / _new_name(name)).unlink(missing_ok=True)
    _write_manifest(folder, {**recorded, name: _digest(data)})
    others = [note for note in synced.notes if not note.startswith(f"{name}:")]
    return "\n".join([*others, said])


def list_workbooks(
    data_dir: str | os.PathLike[str], *, package: str | os.PathLike[str] | None = None
) -> list[str]:
    """The lines `careers-review workbooks` prints: the sync's notes, then each workbook."""
    synced = sync_workbooks(data_dir, package=package)
    states = workbook_states(data_dir, package=package)
    width = max((len(s.name) for s in states), default=0)
    lines = [*synced.notes, f"Workbooks in {synced.folder}:"]
    for s in states:
        waiting = f" ({s.waiting} beside it)" if s.waiting else ""
        lines.append(f"  {s.name:<{width}}  {s.state}{waiting}")
    return lines


def workbooks_report(
    data_dir: str | os.PathLike[str],
    reset: str | None = None,
    *,
    package: str | os.PathLike[str] | None = None,
) -> str:
    """`careers-review workbooks [--reset NAME]`: what it prints."""
    if reset:
        return reset_workbook(data_dir, reset, package=package)
    return "\n".join(list_workbooks(data_dir, package=package))
