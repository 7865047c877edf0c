"""The review store: one SQLite file per data directory, append-only, safe for several writers.

Every save adds a revision, so an earlier state can always be listed and restored. One
exception keeps typing from filling the disk: the saves of one page (a *sitting*) that follow
each other closely are folded into that page's newest revision, until nobody else has saved in
between, the page pauses, or the revision has been open a while. Nothing else is ever updated,
and nothing is deleted. Two tabs or two processes saving at once are serialised by SQLite, and
a save made from an older revision is merged field by field with what was saved meanwhile.

A store opened read-only (a backup, a read-only mount, `serve --read-only`) is only read:
nothing is created or migrated, nothing is written beside it, and every save is refused.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import StoreError, UnknownReviewError, UnknownSchoolError
from .merge import Clash, merge
from .model import Review, School, parse_document
from .store_files import DATA_ENV, DB_NAME, DEFAULT_DATA_DIR, resolve_data_dir, store_file_problem
from .store_reader import StoreReader
from .store_revisions import DamagedRevisionError, Kind, Revision, pack

__all__ = [
    "DATA_ENV",
    "DB_NAME",
    "DEFAULT_DATA_DIR",
    "READ_ONLY_REFUSAL",
    "DamagedRevisionError",
    "Revision",
    "SaveResult",
    "Store",
    "resolve_data_dir",
    "store_file_problem",
]

#: A sitting's revision takes further saves while they come within `SITTING_PAUSE` of each
#: other and within `SITTING_SPAN` of its first save; then the next save starts a new one.
SITTING_PAUSE = timedelta(minutes=2)
SITTING_SPAN = timedelta(minutes=15)

#: What a save on a read-only store says; a page shows it as its save status.
READ_ONLY_REFUSAL = "Read-only: changes are not saved"


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the revision now latest, and whether others' edits were merged in."""

    number: int
    saved_at: datetime
    merged: bool
    changed: bool
    document: School | Review
    #: The revision's content as JSON: what a page merges its next save against (its own
    #: document may have moved on while this save was being written).
    data: dict[str, Any] | None = None
    #: Fields this save and another both changed since the page read them: this save's text
    #: was kept, and the other one is in the clash (and in the history).
    clashes: tuple[Clash, ...] = ()


class Store(StoreReader):
    """The data directory's store. Open one per process (or per kernel) and keep it."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
        timeout: float = 30.0,
        clock: Callable[[], datetime] | None = None,
        sitting_pause: timedelta = SITTING_PAUSE,
    ) -> None:
        """`read_only` opens the file for reading only (a read-only mount, a backup, a served
        copy nobody may change): nothing is written beside it, and every save is refused.
        `clock` gives the time a save is stamped with, and `sitting_pause` how long a page may
        pause and still fold its next save into its open revision."""
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sitting_pause = sitting_pause  # zero: every save its own revision
        self._open(data_dir, create, read_only, timeout)

    # -- writing --------------------------------------------------------------------------

    def save(
        self,
        document: School | Review,
        *,
        base_revision: int | None = None,
        base_document: dict[str, Any] | None = None,
        author: str = "",
        sitting: str = "",
    ) -> SaveResult:
        """Append a revision. Pass the revision the edit started from (and, from a page, the
        document as it read it then) to merge concurrent edits; pass the page's `sitting` id
        so that its quick successive saves fold into one revision."""
        self._refuse_if_read_only()
        # Serialised before the write lock is taken: the lock is held for as short as can be.
        prepared = (document.model_dump(mode="json"), pack(document))
        with self._errors(), self._transaction() as db:
            if (
                isinstance(document, Review)
                and not db.execute(
                    "SELECT 1 FROM revisions WHERE kind = 'school' AND key = ? LIMIT 1",
                    (document.school_id,),
                ).fetchone()
            ):
                raise UnknownSchoolError(document.school_id, self.school_ids())
            return self._save_one(
                db, document, base_revision, author, base_document, sitting, prepared
            )

    def save_many(
        self,
        documents: list[School | Review],
        *,
        base_revisions: list[int | None] | None = None,
        author: str = "",
    ) -> list[SaveResult]:
        """Save several documents in one transaction: all of them land, or none does."""
        self._refuse_if_read_only()
        bases = base_revisions or [None] * len(documents)
        results: list[SaveResult] = []
        with self._errors(), self._transaction() as db:
            known_schools = set(self.school_ids())
            for document, base in zip(documents, bases, strict=True):
                if isinstance(document, School):
                    known_schools.add(document.id)
                elif document.school_id not in known_schools:
                    raise UnknownSchoolError(document.school_id, sorted(known_schools))
                results.append(self._save_one(db, document, base, author))
        return results

    def _save_one(
        self,
        db: sqlite3.Connection,
        document: School | Review,
        base: int | None,
        author: str,
        base_document: dict[str, Any] | None = None,
        sitting: str = "",
        prepared: tuple[dict[str, Any], bytes] | None = None,
    ) -> SaveResult:
        kind: Kind = document.kind
        key = document.id
        latest = db.execute(
            "SELECT number, data, saved_at, sitting, began_at FROM revisions"
            " WHERE kind = ? AND key = ? ORDER BY number DESC LIMIT 1",
            (kind, key),
        ).fetchone()
        mine, packed = prepared or (document.model_dump(mode="json"), b"")
        merged = False
        clashes: tuple[Clash, ...] = ()
        # Read as the model reads it today (items saved before lists had ids get them), so that
        # it compares equal to a page's copy of the same content.
        theirs = (
            self._document(kind, key, latest[0], latest[1]).model_dump(mode="json")
            if latest is not None
            else None
        )
        # Saved meanwhile by someone else: a newer revision, or (a page's open revision having
        # taken more of its typing) the same one with other content than this edit started from.
        moved = (
            latest is not None
            and base is not None
            and (latest[0] != base or (base_document is not None and theirs != base_document))
        )
        if moved:
            if base_document is None:
                base_document = self._one(kind, key, base).model_dump(mode="json")
            if base_document is not None:
                combined, clashes = merge(base_document, mine, theirs)
                merged = combined != mine
                document = parse_document(combined, f"{kind} {key}")
                mine, packed = document.model_dump(mode="json"), b""
        if latest is not None and theirs == mine:
            at = datetime.fromisoformat(latest[2])
            return SaveResult(latest[0], at, merged, False, document, theirs, clashes)
        text = packed or pack(document)
        now = self._clock()
        if latest is not None and sitting and self._still_open(latest, base, sitting, now):
            db.execute(
                "UPDATE revisions SET data = ?, saved_at = ? WHERE kind = ? AND key = ?"
                " AND number = ?",
                (text, now.isoformat(), kind, key, latest[0]),
            )
            return SaveResult(latest[0], now, merged, True, document, mine, clashes)
        number = (latest[0] if latest else 0) + 1
        school_id = document.id if isinstance(document, School) else document.school_id
        db.execute(
            "INSERT INTO revisions (kind, key, number, school_id, saved_at, author, data,"
            " sitting, began_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, key, number, school_id, now.isoformat(), author, text, sitting, now.isoformat()),
        )
        return SaveResult(number, now, merged, True, document, mine, clashes)

    def _refuse_if_read_only(self) -> None:
        if self._read_only:
            raise StoreError(f"{READ_ONLY_REFUSAL} ({self.path} was opened read-only)")

    def _still_open(self, latest: tuple, base: int | None, sitting: str, now: datetime) -> bool:
        """Whether this save may fold into the newest revision: the same page made it, nobody
        saved since, and the page has neither paused nor kept it open too long."""
        number, _, saved_at, owner, began_at = latest
        if owner != sitting or number != base or not began_at or not self._sitting_pause:
            return False
        return (
            now - datetime.fromisoformat(saved_at) <= self._sitting_pause
            and now - datetime.fromisoformat(began_at) <= SITTING_SPAN
        )

    def restore(self, kind: Kind, key: str, number: int, *, author: str = "") -> SaveResult:
        """Make an earlier revision the latest again, by appending a copy of it."""
        row = self._row(kind, key, number)
        if row is None:
            if kind == "school":
                raise UnknownSchoolError(f"{key} revision {number}")
            raise UnknownReviewError(f"{key} revision {number}")
        document = parse_document(json.loads(row[1]), f"{kind} {key} revision {number}")
        return self.save(document, author=author or f"restored revision {number}")
