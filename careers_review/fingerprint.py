"""What decides whether a school must run again on `--resume`.

A school's fingerprint digests its inputs: its CSV row, the workbooks with the report template
and the careers-review version, the framework in use, and its data (every revision in the store
and its evidence files). Each output notebook keeps the fingerprint it was made from, so a
school runs again exactly when a part differs, when its last run failed or did not finish, or
when its data changed after its outputs were made.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .batch import SchoolJob

__all__ = [
    "METADATA_KEY",
    "UP_TO_DATE",
    "digest",
    "digest_data",
    "digest_workbooks",
    "previous_record",
    "school_fingerprint",
    "why_run",
]

#: Where an output notebook keeps the fingerprint of the inputs it was made from.
METADATA_KEY = "careers_review"
#: The parts of a school's fingerprint, and what a difference in each means, in plain words.
_FINGERPRINT_PARTS = (
    ("csv_row", "its row in the schools CSV changed"),
    ("workbooks", "the workbooks, the report template or careers-review changed"),
    ("framework", "the framework changed"),
    ("data", "its data changed"),
)
#: The reason given for a school --resume skips.
UP_TO_DATE = "up to date: outputs newer than the last change, same CSV row, workbooks and framework"


def digest(*parts: str | bytes) -> str:
    """A short digest of the parts, each length-prefixed so no two lists of parts collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()[:24]


def digest_workbooks(folder: Path, names: Iterable[str], templates: Path) -> str:
    """The workbooks' content, the report template and the version: what turns data into
    outputs."""
    parts: list[str | bytes] = [__version__]
    for name in names:
        parts += [name, (folder / f"{name}.ipynb").read_bytes()]
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):
        parts += [str(path.relative_to(templates)), path.read_bytes()]
    return digest(*parts)


def digest_data(store: Any, data: Path, school_id: str) -> tuple[str, float]:
    """The school's data as of now: every revision of its profile and reviews (the store only
    appends), and the files in its evidence folder. Returns the digest and the latest change."""
    from .workspace import EVIDENCE_FOLDER

    revisions = list(store.revisions("school", school_id))
    for review in store.reviews(school_id):
        revisions += store.revisions("review", review.id)
    latest = max((r.saved_at.timestamp() for r in revisions), default=0.0)
    parts = [f"{r.kind}/{r.key}/{r.number}/{r.saved_at.isoformat()}" for r in revisions]
    evidence = data / EVIDENCE_FOLDER / school_id
    if evidence.is_dir():
        for path in sorted(p for p in evidence.rglob("*") if p.is_file()):
            made = path.stat()
            latest = max(latest, made.st_mtime)
            parts.append(f"{path.relative_to(evidence)}/{made.st_size}/{made.st_mtime_ns}")
    return digest(*sorted(parts)), latest


def school_fingerprint(
    values: dict[str, str], workbooks: str, framework: str, data: str, changed: float
) -> dict[str, str]:
    """A school's fingerprint: one digest for each of `_FINGERPRINT_PARTS`, and when its data
    last changed (so outputs made before that change are out of date)."""
    row = json.dumps(sorted(values.items()), ensure_ascii=False)
    return {
        "csv_row": digest(row),
        "workbooks": workbooks,
        "framework": framework,
        "data": data,
        "data_changed": datetime.fromtimestamp(changed, UTC).isoformat(timespec="seconds")
        if changed
        else "",
    }


def previous_record(path: Path) -> tuple[dict[str, dict], str]:
    """The last batch's entries by school from its record (`batch.json`), and a warning when
    that record cannot be read."""
    if not path.exists():
        return {}, ""
    try:
        schools = json.loads(path.read_text(encoding="utf-8")).get("schools", [])
        return {s["school_id"]: s for s in schools if isinstance(s, dict) and "school_id" in s}, ""
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        return {}, f"{path}: cannot be read ({exc}); judging what is up to date by the outputs"


def _kept_fingerprint(notebook: Path) -> dict[str, str] | None:
    """The fingerprint an output notebook was made from, or None when it does not say."""
    try:
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
        kept = metadata.get(METADATA_KEY, {}).get("batch_fingerprint")
    except (OSError, ValueError, AttributeError):
        return None
    return kept if isinstance(kept, dict) else None


def why_run(job: SchoolJob, previous: dict | None, changed: float) -> str:
    """Why --resume must run this school again, or "" when its outputs are up to date."""
    target = Path(job.out_dir) / job.school_id
    if previous and previous.get("status") == "failed":
        return "run again: the last run failed"
    if any((target / f"{w}.failed.ipynb").exists() for w in job.workbooks):
        return "run again: the last run failed"
    for workbook in job.workbooks:
        notebook, report = target / f"{workbook}.ipynb", target / f"{workbook}.html"
        if not notebook.exists() or not report.exists():
            if previous and previous.get("status") in {"pending", "running", "stopped", "not run"}:
                return "run again: it did not finish last time"
            return f"run: no {workbook} outputs yet"
        kept = _kept_fingerprint(notebook)
        if kept is None:
            return f"run again: {notebook.name} does not say what it was made from"
        for part, meaning in _FINGERPRINT_PARTS:
            if kept.get(part) != job.fingerprint.get(part):
                return f"run again: {meaning} since the last run"
        if report.stat().st_mtime_ns < notebook.stat().st_mtime_ns:
            return f"run again: {report.name} was not finished last time"
        if min(notebook.stat().st_mtime, report.stat().st_mtime) < changed:
            return "run again: its data changed since its outputs were made"
    return ""
