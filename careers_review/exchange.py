"""Moving documents between JSON files and the store, checked whole before anything is written."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .content import Framework
from .errors import InputError
from .files import atomic_write_text
from .model import Review, School, check_review, dump_json, parse_document
from .store import Store

__all__ = ["ImportReport", "export_review", "import_paths", "read_documents"]

#: Formats `export` can write, by file extension; later modules register more (report).
EXPORTERS = {
    ".json": "the review as JSON, ready for 'careers-review import'",
    ".xlsx": "the strategic careers plan as an Excel workbook, one sheet per part",
    ".docx": "the strategic careers plan as a Word document for governors",
    ".html": "the governor report as a web page that opens offline",
    ".pdf": "the governor report as an A4 PDF",
}


@dataclass(frozen=True)
class ImportReport:
    schools_added: int
    reviews_added: int
    unchanged: int


def _kind_of_file(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _json_files(path: Path) -> list[Path]:
    """The files to read for one PATH argument. Anything but a regular file or a folder is
    refused before it is opened (reading a FIFO or a device would wait, or never end), and
    hidden files and folders (`.git`, an editor's backups) are passed over."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISREG(mode):
        return [path]
    if not stat.S_ISDIR(mode):
        raise InputError(
            f"{path}: this is {_kind_of_file(mode)}, not a file: give a .json file or a folder"
        )
    files: list[Path] = []
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in names:
            if name.startswith(".") or not name.endswith(".json"):
                continue
            found = Path(folder) / name
            try:
                found_mode = found.stat().st_mode
            except OSError as exc:
                raise InputError(f"{found}: cannot read ({exc.strerror or exc})") from None
            if not stat.S_ISREG(found_mode):
                raise InputError(
                    f"{found}: this is {_kind_of_file(found_mode)}, not a file: "
                    "remove it from the folder"
                )
            files.append(found)
    if not files:
        raise InputError(f"{path}: no .json files in this folder")
    return sorted(files)


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except _TooLong as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: not valid JSON: lists or objects nested too deeply") from None


class _TooLong(ValueError):
    pass


def _json_int(text: str) -> int:
    # Python refuses to read an integer of more than 4,300 digits with a ValueError of its own.
    # (NaN and numbers too large for a float are read here and refused, with their place in the
    # document, by parse_document.)
    try:
        return int(text)
    except ValueError:
        raise _TooLong(f"the number {text[:12]}... has too many digits") from None


def _read_all(
    paths: Iterable[str | os.PathLike[str]], framework: Framework
) -> list[tuple[str, School | Review]]:
    documents: list[tuple[str, School | Review]] = []
    for given in paths:
        for path in _json_files(Path(given)):
            data = _read_json(path)
            items = data if isinstance(data, list) else [data]
            for index, item in enumerate(items):
                source = f"{path}[{index}]" if isinstance(data, list) else str(path)
                document = parse_document(item, source)
                if isinstance(document, Review):
                    check_review(document, framework, source)
                documents.append((source, document))
    seen: dict[tuple[str, str], str] = {}
    for source, document in documents:
        key = (document.kind, document.id)
        if key in seen:
            raise InputError(
                f"{source}: id: {document.kind} {document.id!r} is also in {seen[key]}"
            )
        seen[key] = source
    # Schools first, so a review never arrives before the school it belongs to.
    return sorted(documents, key=lambda pair: isinstance(pair[1], Review))


def read_documents(
    paths: Iterable[str | os.PathLike[str]], framework: Framework
) -> list[School | Review]:
    """Read and check every document in the given files and folders; schools come first."""
    return [document for _, document in _read_all(paths, framework)]


def import_paths(
    target: Store | str | os.PathLike[str],
    paths: Iterable[str | os.PathLike[str]],
    framework: Framework,
    *,
    author: str = "import",
) -> ImportReport:
    """Import files into a store (or a data directory's store) in one transaction.

    Every file is read and checked before the store is opened, so bad input leaves no trace.
    A document identical to its latest revision adds nothing: importing twice is harmless.
    """
    pairs = _read_all(paths, framework)
    if isinstance(target, Store):
        return _save_pairs(target, pairs, author)
    with Store(target) as store:
        return _save_pairs(store, pairs, author)


def _save_pairs(
    store: Store, pairs: list[tuple[str, School | Review]], author: str
) -> ImportReport:
    known = set(store.school_ids()) | {d.id for _, d in pairs if isinstance(d, School)}
    for source, document in pairs:
        if isinstance(document, Review) and document.school_id not in known:
            raise InputError(
                f"{source}: school_id: unknown school {document.school_id!r}"
                " (import the school's file first, or with it)"
            )
    documents = [document for _, document in pairs]
    results = store.save_many(documents, author=author)
    added = [d for d, r in zip(documents, results, strict=True) if r.changed]
    return ImportReport(
        schools_added=sum(isinstance(d, School) for d in added),
        reviews_added=sum(isinstance(d, Review) for d in added),
        unchanged=len(documents) - len(added),
    )


def export_review(
    store: Store,
    review_id: str,
    destination: str | os.PathLike[str],
    *,
    framework: Framework | None = None,
    framework_file: str | os.PathLike[str] | None = None,
    revision: int | None = None,
    include_notes: bool = False,
) -> Path:
    """Write a review to a file whose extension picks the format; the file appears whole or not
    at all. The plan formats name themes and benchmarks from `framework` (default: built-in);
    the report runs in a kernel of its own, which loads `framework_file` when one is given.
    `revision` exports that revision of the review instead of its latest; the report holds
    the team's notes on the themes only with `include_notes`."""
    destination = Path(destination)
    suffix = destination.suffix.lower()
    if suffix not in EXPORTERS:
        raise InputError(
            f"{destination}: cannot export to {suffix or 'a file with no extension'}"
            f" (this version writes: {', '.join(EXPORTERS)})"
        )
    review = store.review(review_id, revision)
    if suffix == ".json":
        return atomic_write_text(destination, dump_json(review))
    if suffix in (".html", ".pdf"):
        from .report import export_report  # runs the report workbook in its own kernel

        return export_report(
            store.data_dir,
            review.id,
            destination,
            framework=framework_file,
            revision=revision,
            include_notes=include_notes,
        )
    from .content import default_framework
    from .exports import write_plan  # Excel and Word libraries load only when asked for

    school = store.school(review.school_id)
    if framework is None:
        framework = default_framework()
    return write_plan(destination, review, school, framework)
