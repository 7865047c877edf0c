"""Taking a file the team uploads into a school's evidence folder: checked first, kept always.

An upload is read by the same loader the impact page uses before it is kept, so a file the
page could not read is refused at once with the loader's one-line message (the file's own
name, the row and the column) and nothing is written. A file that reads is kept under a new
name of ours (the kind, the academic year it covers, the date and time), never over an
earlier one: the folder keeps every upload, and the page shows the newest of each kind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import InputError

__all__ = [
    "COMPARISON_STEM",
    "UPLOAD_KINDS",
    "UPLOAD_LIMIT",
    "UPLOAD_LIMIT_TEXT",
    "Saved",
    "UploadKind",
    "save_upload",
]

#: The largest file an upload takes (a year's KS4 destinations file for England is ~3 MB; a
#: long Explore Education Statistics download can reach 30 MB). The served page's websocket
#: limit is set above it, and the page's script refuses a larger file before sending it.
UPLOAD_LIMIT = 40 * 1024 * 1024
UPLOAD_LIMIT_TEXT = "40 MB"


#: The names comparison files are kept under: apart from a school's own destinations file.
COMPARISON_STEM = "destinations_comparison"


@dataclass(frozen=True)
class UploadKind:
    """One kind of evidence file: how the page names it, the stem of the names it is kept
    under (what `discover_evidence` looks for), and whether its names carry its year."""

    key: str
    label: str
    stem: str
    dated: bool


UPLOAD_KINDS: dict[str, UploadKind] = {
    kind.key: kind
    for kind in (
        UploadKind("destinations", "destinations file", "destinations", dated=False),
        UploadKind(
            "comparison",
            "local authority or England destinations file",
            COMPARISON_STEM,
            dated=False,
        ),
        UploadKind("neet", "NEET and not known file", "neet", dated=False),
        UploadKind("learner", "learner survey", "learner_survey", dated=True),
        UploadKind("parent", "parent and carer questionnaire", "parent_survey", dated=True),
        UploadKind("encounters", "encounters log", "encounters", dated=True),
    )
}


@dataclass(frozen=True)
class Saved:
    """An upload kept: where, and what it holds in a few words ("267 learners, 2026/27")."""

    path: Path
    summary: str


def _check(kind: str, path: Path) -> tuple[str, str]:
    """Read the file as the page will; (academic year it covers or '', what it holds)."""
    from .destinations import load_comparison, load_destinations
    from .encounters import load_encounters
    from .neet import authorities, load_neet
    from .surveys import load_survey

    if kind in ("learner", "parent"):
        survey = load_survey(path, "learner" if kind == "learner" else "parent")
        who = "learners" if kind == "learner" else "replies"
        return survey.academic_year, f"{survey.respondents:,} {who}, {survey.academic_year}"
    if kind == "encounters":
        log = load_encounters(path)
        years = log.academic_years
        span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
        return years[-1], f"{len(log.activities):,} activities, {span}"
    if kind == "comparison":
        compared = load_comparison(path)
        count = compared.local_authorities
        areas = [authorities(count)] * bool(count) + ["England"] * compared.england
        year = f", {compared.year}" if compared.year else ""
        return "", f"{compared.kind_name}: {' and '.join(areas)}{year}"
    if kind == "neet":
        neet = load_neet(path)
        return "", f"NEET and not known, {authorities(len(neet.la_codes()))}, {neet.year}"
    data = load_destinations(path)
    year = f", {data.year}" if data.year else ""
    return "", f"{data.kind_name}, {len(data):,} schools{year}"


def _refuse_name(name: str) -> str:
    """The file's own name, or an InputError for one that is not a plain file name."""
    shown = name.strip()
    if not shown or shown in (".", "..") or any(mark in shown for mark in ("/", "\\", "\0")):
        raise InputError(
            f"{shown or 'the file'}: not a plain file name; upload the CSV file itself"
        )
    return shown


def _keep(source: Path, folder: Path, stem: str) -> Path:
    """Link `source` into `folder` under the first free `stem[-n].csv`: a link is made only
    where no file is, so two uploads at the same moment never write over each other."""
    for number in range(1, 1000):
        target = folder / (f"{stem}.csv" if number == 1 else f"{stem}-{number}.csv")
        try:
            os.link(source, target)
            return target
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: create the name exclusively
            try:
                with target.open("xb") as out, source.open("rb") as data:
                    shutil.copyfileobj(data, out)
                return target
            except FileExistsError:
                continue
    raise InputError(f"{stem}: too many uploads with this name this minute; try again")


def save_upload(
    folder: Path,
    kind: str,
    name: str,
    content: bytes,
    *,
    now: datetime | None = None,
    check: Callable[[str, Path], tuple[str, str]] = _check,
) -> Saved:
    """Check an uploaded file and keep it in the school's evidence `folder`, or raise an
    InputError naming the file by its own name (row and column where a value is wrong)."""
    chosen = UPLOAD_KINDS[kind]
    shown = _refuse_name(name)
    if len(content) > UPLOAD_LIMIT:
        size = len(content) / (1024 * 1024)
        raise InputError(
            f"{shown}: {size:.0f} MB is larger than the {UPLOAD_LIMIT_TEXT} an upload takes"
        )
    if not content.strip():
        raise InputError(f"{shown}: the file is empty")
    folder.mkdir(parents=True, exist_ok=True)
    # Checked in a private folder beside the evidence, so the file is kept by a link, whole.
    scratch = Path(tempfile.mkdtemp(prefix=".upload-", dir=folder))
    try:
        held = scratch / "upload.csv"
        held.write_bytes(content)
        try:
            year, summary = check(kind, held)
        except InputError as exc:
            raise InputError(str(exc).replace(str(held), shown)) from None
        moment = (now or datetime.now()).strftime("%Y-%m-%d_%H%M")
        covers = f"_{year.replace('/', '-')}" if chosen.dated and year else ""
        kept = _keep(held, folder, f"{chosen.stem}{covers}_{moment}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return Saved(kept, summary)
