"""The review store: one SQLite file per data directory, append-only, safe for several writers.

Every save adds a revision, so an earlier state can always be listed and restored. One
exception keeps typing from filling the disk: the saves of one page (a *sitting*) that follow
each other closely are folded into that page's newest revision, until nobody else has saved in
between, the page pauses, or the revision has been open a while. Nothing else is ever updated,
and nothing is deleted. Two tabs or two processes saving at once are serialised by SQLite, and
a save made from an older revision is merged field by field with what was saved meanwhile.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from .errors import StoreError, UnknownReviewError, UnknownSchoolError
from .model import Review, School, dump_json, parse_document

__all__ = [
    "DATA_ENV",
    "DB_NAME",
    "DEFAULT_DATA_DIR",
    "Revision",
    "SaveResult",
    "Store",
    "resolve_data_dir",
]

DATA_ENV = "CAREERS_REVIEW_DATA"
DEFAULT_DATA_DIR = "careers-review-data"
DB_NAME = "careers-review.sqlite"
_FORMAT = "2"
#: A sitting's revision takes further saves while they come within `SITTING_PAUSE` of each
#: other and within `SITTING_SPAN` of its first save; then the next save starts a new one.
SITTING_PAUSE = timedelta(minutes=2)
SITTING_SPAN = timedelta(minutes=15)

Kind = Literal["school", "review"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS revisions (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL CHECK (kind IN ('school', 'review')),
    key       TEXT NOT NULL,
    number    INTEGER NOT NULL,
    school_id TEXT NOT NULL,
    saved_at  TEXT NOT NULL,
    author    TEXT NOT NULL DEFAULT '',
    data      TEXT NOT NULL,
    sitting   TEXT NOT NULL DEFAULT '',
    began_at  TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, key, number)
);
CREATE INDEX IF NOT EXISTS revisions_school ON revisions (school_id, kind);
CREATE TRIGGER IF NOT EXISTS revisions_no_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
"""

# Only the data and time of a sitting's newest revision may change, and only by that sitting.
_UPDATE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS revisions_only_open_sitting BEFORE UPDATE ON revisions
WHEN OLD.sitting = '' OR NEW.sitting IS NOT OLD.sitting OR NEW.kind IS NOT OLD.kind
  OR NEW.key IS NOT OLD.key OR NEW.number IS NOT OLD.number
  OR NEW.school_id IS NOT OLD.school_id OR NEW.began_at IS NOT OLD.began_at
  OR EXISTS (SELECT 1 FROM revisions r
             WHERE r.kind = OLD.kind AND r.key = OLD.key AND r.number > OLD.number)
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END
"""

# Format 1 had no sittings and refused every update.
_FROM_FORMAT_1 = (
    "ALTER TABLE revisions ADD COLUMN sitting TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE revisions ADD COLUMN began_at TEXT NOT NULL DEFAULT ''",
    "DROP TRIGGER IF EXISTS revisions_no_update",
)


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else $CAREERS_REVIEW_DATA, else ./careers-review-data."""
    chosen = explicit or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
    return Path(chosen).expanduser().resolve()


@dataclass(frozen=True)
class Revision:
    kind: Kind
    key: str
    number: int
    saved_at: datetime
    author: str


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


def _merge(base: Any, mine: Any, theirs: Any) -> Any:
    """Three-way merge of JSON values: keep each side's changes; on a clash, this save wins."""
    if mine == base:
        return theirs
    if theirs == base or mine == theirs:
        return mine
    if isinstance(base, dict) and isinstance(mine, dict) and isinstance(theirs, dict):
        merged = {}
        for key in dict.fromkeys([*theirs, *mine]):
            if key in mine and key in theirs:
                merged[key] = _merge(base.get(key), mine[key], theirs[key])
            elif key in mine:
                if key not in base or mine[key] != base[key]:
                    merged[key] = mine[key]
            elif key not in base or theirs[key] != base[key]:
                merged[key] = theirs[key]
        return merged
    return mine


class Store:
    """The data directory's store. Open one per process (or per kernel) and keep it."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        timeout: float = 30.0,
        clock: Callable[[], datetime] | None = None,
        sitting_pause: timedelta = SITTING_PAUSE,
    ) -> None:
        self.data_dir = resolve_data_dir(data_dir)
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sitting_pause = sitting_pause  # zero: every save its own revision
        if not self.path.exists():
            if not create:
                raise StoreError(
                    f"{self.path}: no store here yet (import a hub with 'careers-review import')"
                )
            _create_private(self.data_dir, self.path)
        with self._errors():
            self._db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            version = self._meta_format()
            if version is None:
                with self._transaction():
                    for statement in filter(str.strip, _SCHEMA.split(";\n")):
                        self._db.execute(statement)
                    self._db.execute(_UPDATE_TRIGGER)
                    self._db.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)", (_FORMAT,)
                    )
            elif version == "1":
                with self._transaction():
                    for statement in _FROM_FORMAT_1:
                        self._db.execute(statement)
                    self._db.execute(_UPDATE_TRIGGER)
                    self._db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (_FORMAT,))
            elif version != _FORMAT:
                raise StoreError(f"{self.path}: store format {version} is not readable here")

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        # One connection per Store; the lock lets a kernel's callbacks share it across threads.
        try:
            with self._lock:
                yield
        except sqlite3.Error as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                reason = "the store is locked by another program; try again in a moment"
            elif "readonly" in text or "read-only" in text:
                reason = "the store cannot be written (the data directory is read-only)"
            elif "unable to open" in text:
                reason = (
                    "the store cannot be opened for writing (is the data directory read-only, "
                    "or owned by another user?)"
                )
            elif "not a database" in text or "malformed" in text or "corrupt" in text:
                reason = f"the file is damaged or is not a careers-review store ({text})"
            elif "disk" in text and "full" in text:
                reason = "the disk is full"
            else:
                reason = text
            raise StoreError(f"{self.path}: {reason}") from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            # SQLite may already have rolled back (a full disk does): keep the first error.
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _meta_format(self) -> str | None:
        has_meta = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if not has_meta:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------------

    def _latest_rows(self, kind: Kind, school_id: str | None = None) -> list[tuple[str, str]]:
        sql = (
            "SELECT r.key, r.data FROM revisions r JOIN ("
            " SELECT key, MAX(number) AS n FROM revisions WHERE kind = ? GROUP BY key"
            ") m ON r.key = m.key AND r.number = m.n WHERE r.kind = ?"
        )
        args: list[Any] = [kind, kind]
        if school_id is not None:
            sql += " AND r.school_id = ?"
            args.append(school_id)
        with self._errors():
            rows = self._db.execute(sql + " ORDER BY r.key", args).fetchall()
        return [(key, self._unpack(data)) for key, data in rows]

    def _row(self, kind: Kind, key: str, number: int | None) -> tuple[int, str] | None:
        sql = "SELECT number, data FROM revisions WHERE kind = ? AND key = ?"
        args: list[Any] = [kind, key]
        if number is not None:
            sql += " AND number = ?"
            args.append(number)
        with self._errors():
            row = self._db.execute(sql + " ORDER BY number DESC LIMIT 1", args).fetchone()
        return None if row is None else (row[0], self._unpack(row[1]))

    def _unpack(self, data: str | bytes) -> str:
        """Revisions are kept compressed (a typed page's history is mostly the same words);
        those written before that are plain text."""
        if isinstance(data, str):
            return data
        try:
            return zlib.decompress(data).decode("utf-8")
        except (zlib.error, UnicodeDecodeError):
            raise StoreError(f"{self.path}: a revision is damaged and cannot be read") from None

    def schools(self) -> list[School]:
        """Every school's latest profile, by name."""
        schools = [School.model_validate_json(data) for _, data in self._latest_rows("school")]
        return sorted(schools, key=lambda s: s.name.casefold())

    def school_ids(self) -> list[str]:
        with self._errors():
            rows = self._db.execute(
                "SELECT DISTINCT key FROM revisions WHERE kind = 'school' ORDER BY key"
            ).fetchall()
        return [key for (key,) in rows]

    def school(self, school_id: str, revision: int | None = None) -> School:
        row = self._row("school", school_id, revision)
        if row is None:
            if revision is not None and self._row("school", school_id, None):
                raise UnknownSchoolError(f"{school_id} revision {revision}")
            raise UnknownSchoolError(school_id, self.school_ids())
        return School.model_validate_json(row[1])

    def reviews(self, school_id: str | None = None) -> list[Review]:
        """Latest revision of each review, oldest academic year first."""
        reviews = [
            Review.model_validate_json(data) for _, data in self._latest_rows("review", school_id)
        ]
        return sorted(reviews, key=lambda r: (r.school_id, r.academic_year, r.review_date))

    def review(self, review_id: str, revision: int | None = None) -> Review:
        row = self._row("review", review_id, revision)
        if row is None:
            if revision is not None and self._row("review", review_id, None):
                raise UnknownReviewError(f"{review_id} revision {revision}")
            raise UnknownReviewError(review_id)
        return Review.model_validate_json(row[1])

    def latest_review(self, school_id: str) -> Review | None:
        reviews = self.reviews(school_id)
        return reviews[-1] if reviews else None

    def previous_review(self, review: Review) -> Review | None:
        """The school's most recent review from an earlier academic year."""
        earlier = [
            r for r in self.reviews(review.school_id) if r.academic_year < review.academic_year
        ]
        return earlier[-1] if earlier else None

    def revisions(self, kind: Kind, key: str) -> list[Revision]:
        with self._errors():
            rows = self._db.execute(
                "SELECT number, saved_at, author FROM revisions WHERE kind = ? AND key = ?"
                " ORDER BY number",
                (kind, key),
            ).fetchall()
        return [
            Revision(kind, key, n, datetime.fromisoformat(at), author) for n, at, author in rows
        ]

    def revision_count(self) -> int:
        with self._errors():
            return self._db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0]

    def integrity_problems(self) -> list[str]:
        with self._errors():
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        return [] if rows == [("ok",)] else [row[0] for row in rows]

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
        # Serialised before the write lock is taken: the lock is held for as short as can be.
        prepared = (document.model_dump(mode="json"), _pack(document))
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
        theirs = json.loads(self._unpack(latest[1])) if latest is not None else None
        # Saved meanwhile by someone else: a newer revision, or (a page's open revision having
        # taken more of its typing) the same one with other content than this edit started from.
        moved = (
            latest is not None
            and base is not None
            and (latest[0] != base or (base_document is not None and theirs != base_document))
        )
        if moved:
            if base_document is None:
                base_row = self._row(kind, key, base)
                base_document = json.loads(base_row[1]) if base_row is not None else None
            if base_document is not None:
                combined = _merge(base_document, mine, theirs)
                merged = combined != mine
                document = parse_document(combined, f"{kind} {key}")
                mine, packed = document.model_dump(mode="json"), b""
        if latest is not None and theirs == mine:
            at = datetime.fromisoformat(latest[2])
            return SaveResult(latest[0], at, merged, False, document, theirs)
        text = packed or _pack(document)
        now = self._clock()
        if latest is not None and sitting and self._still_open(latest, base, sitting, now):
            db.execute(
                "UPDATE revisions SET data = ?, saved_at = ? WHERE kind = ? AND key = ?"
                " AND number = ?",
                (text, now.isoformat(), kind, key, latest[0]),
            )
            return SaveResult(latest[0], now, merged, True, document, mine)
        number = (latest[0] if latest else 0) + 1
        school_id = document.id if isinstance(document, School) else document.school_id
        db.execute(
            "INSERT INTO revisions (kind, key, number, school_id, saved_at, author, data,"
            " sitting, began_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, key, number, school_id, now.isoformat(), author, text, sitting, now.isoformat()),
        )
        return SaveResult(number, now, merged, True, document, mine)

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


def _pack(document: School | Review) -> bytes:
    return zlib.compress(dump_json(document).encode("utf-8"), 6)


def _create_private(data_dir: Path, path: Path) -> None:
    """A new data directory is the owner's alone (0700), and so is a new store file (0600);
    SQLite gives its -wal and -shm files the store's permissions."""
    try:
        if not data_dir.exists():
            data_dir.mkdir(parents=True)
            os.chmod(data_dir, 0o700)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        reason = exc.strerror or exc
        raise StoreError(f"{data_dir}: cannot create the store here ({reason})") from None
