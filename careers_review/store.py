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
import stat
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from .errors import (
    InputError,
    StoreError,
    UnknownReviewError,
    UnknownSchoolError,
    field_path,
)
from .merge import Clash, merge
from .model import Review, School, dump_json, parse_document

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

DATA_ENV = "CAREERS_REVIEW_DATA"
DEFAULT_DATA_DIR = "careers-review-data"
DB_NAME = "careers-review.sqlite"
_FORMAT = "2"
#: A sitting's revision takes further saves while they come within `SITTING_PAUSE` of each
#: other and within `SITTING_SPAN` of its first save; then the next save starts a new one.
SITTING_PAUSE = timedelta(minutes=2)
SITTING_SPAN = timedelta(minutes=15)

Kind = Literal["school", "review"]

#: What a save on a read-only store says; a page shows it as its save status.
READ_ONLY_REFUSAL = "Read-only: changes are not saved"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_NOT_OURS = (
    "the file is damaged or is not a careers-review store (an SQLite database of another kind)"
)

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
    #: Fields this save and another both changed since the page read them: this save's text
    #: was kept, and the other one is in the clash (and in the history).
    clashes: tuple[Clash, ...] = ()


class Store:
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
        copy nobody may change): nothing is written beside it, and every save is refused."""
        self.data_dir = resolve_data_dir(data_dir)
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._sitting_pause = sitting_pause  # zero: every save its own revision
        self._read_only = read_only
        if not self.path.exists():
            if not create or read_only:
                raise StoreError(
                    f"{self.path}: no store here yet (import a hub with 'careers-review import')"
                )
            _create_private(self.data_dir, self.path)
        else:
            # An empty file is a store being made only when this call may make it.
            problem = store_file_problem(self.path, empty_ok=create and not read_only)
            if problem:
                raise StoreError(f"{self.path}: {problem}")
        with self._errors():
            if read_only:
                self._db = self._connect_read_only(timeout)
                self._format = self._check_readable()
                return
            self._db = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            version = self._meta_format()
            if version is None:
                if self._has_tables():
                    raise StoreError(f"{self.path}: {_NOT_OURS}")
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
            self._format = _FORMAT

    @property
    def read_only(self) -> bool:
        """Whether this store refuses saves: a page shows its data and says changes are not kept."""
        return self._read_only

    def _connect_read_only(self, timeout: float) -> sqlite3.Connection:
        """SQLite's read-only mode. Where the folder cannot be written, SQLite could not make the
        -shm file a WAL store needs to be read, so the file is opened as immutable (read with no
        locks and no -shm); unless a -wal file still holds changes, which that would skip."""
        uri = f"file:{quote(str(self.path))}?mode=ro"
        if not os.access(self.data_dir, os.W_OK):
            wal = Path(f"{self.path}-wal")
            if wal.exists() and wal.stat().st_size > 0:
                if not Path(f"{self.path}-shm").exists():
                    raise StoreError(
                        f"{self.path}: its {wal.name} file holds changes that cannot be read in "
                        "a folder that cannot be written: copy the folder somewhere writable "
                        "and open the copy"
                    )
            else:
                uri += "&immutable=1"
        return sqlite3.connect(
            uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
        )

    def _check_readable(self) -> str:
        """The store's format, checked without creating or migrating anything: format 1 is
        read as it is (its revisions have the same columns for reading)."""
        version = self._meta_format()
        if version is None:
            raise StoreError(f"{self.path}: {_NOT_OURS}")
        if version not in ("1", _FORMAT):
            raise StoreError(f"{self.path}: store format {version} is not readable here")
        return version

    def _has_tables(self) -> bool:
        return self._db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None

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
                reason = (
                    "the store cannot be written (is the data directory read-only, or owned by "
                    "another user?)"
                )
            elif "unable to open" in text and self._read_only:
                reason = "the store cannot be opened for reading (check the folder's permissions)"
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

    def _latest(
        self, kind: Kind, school_id: str | None = None, *, skip_damaged: bool = False
    ) -> list[Any]:
        sql = (
            "SELECT r.key, r.number, r.data FROM revisions r JOIN ("
            " SELECT key, MAX(number) AS n FROM revisions WHERE kind = ? GROUP BY key"
            ") m ON r.key = m.key AND r.number = m.n WHERE r.kind = ?"
        )
        args: list[Any] = [kind, kind]
        if school_id is not None:
            sql += " AND r.school_id = ?"
            args.append(school_id)
        with self._errors():
            rows = self._db.execute(sql + " ORDER BY r.key", args).fetchall()
        documents = []
        for key, number, data in rows:
            try:
                documents.append(self._document(kind, key, number, data))
            except DamagedRevisionError:
                if not skip_damaged:
                    raise
        return documents

    def _raw(self, kind: Kind, key: str, number: int | None) -> tuple[int, Any] | None:
        """A revision's number and stored bytes: the newest, or the one numbered."""
        sql = "SELECT number, data FROM revisions WHERE kind = ? AND key = ?"
        args: list[Any] = [kind, key]
        if number is not None:
            sql += " AND number = ?"
            args.append(number)
        with self._errors():
            return self._db.execute(sql + " ORDER BY number DESC LIMIT 1", args).fetchone()

    def _row(self, kind: Kind, key: str, number: int | None) -> tuple[int, str] | None:
        row = self._raw(kind, key, number)
        return None if row is None else (row[0], self._unpack(row[1], (kind, key, row[0])))

    def _exists(self, kind: Kind, key: str) -> bool:
        with self._errors():
            return (
                self._db.execute(
                    "SELECT 1 FROM revisions WHERE kind = ? AND key = ? LIMIT 1", (kind, key)
                ).fetchone()
                is not None
            )

    def _unpack(self, data: str | bytes, where: tuple[str, str, int] | None = None) -> str:
        """Revisions are kept compressed (a typed page's history is mostly the same words);
        those written before that are plain text. `where` (kind, key, number) names the
        revision when its bytes are damaged."""
        if isinstance(data, str):
            return data
        problem = "data: not text"
        if isinstance(data, bytes):
            try:
                return zlib.decompress(data).decode("utf-8")
            except zlib.error as exc:
                problem = f"data: the compressed text is damaged ({exc})"
            except UnicodeDecodeError as exc:
                problem = f"data: not UTF-8 text (byte {exc.start})"
        if where is None:
            raise StoreError(f"{self.path}: a revision is damaged and cannot be read ({problem})")
        raise DamagedRevisionError(self.path, *where, problem)

    def _document(self, kind: Kind, key: str, number: int, data: str | bytes) -> Any:
        """One stored revision read back, or a DamagedRevisionError naming it and the field
        that cannot be read (a disk fault, or a row written by something else)."""
        text = self._unpack(data, (kind, key, number))
        model = School if kind == "school" else Review
        try:
            document = model.model_validate_json(text)
        except ValueError as exc:  # pydantic's ValidationError is one
            raise DamagedRevisionError(self.path, kind, key, number, _why(text, exc)) from None
        if document.id != key:
            raise DamagedRevisionError(
                self.path, kind, key, number, f"id: {document.id!r} in a row kept for {key!r}"
            )
        return document

    def schools(self, *, skip_damaged: bool = False) -> list[School]:
        """Every school's latest profile, by name; `skip_damaged` leaves out one that cannot
        be read (for `check`, which lists those from `damaged_revisions`)."""
        schools = self._latest("school", skip_damaged=skip_damaged)
        return sorted(schools, key=lambda s: s.name.casefold())

    def school_ids(self) -> list[str]:
        with self._errors():
            rows = self._db.execute(
                "SELECT DISTINCT key FROM revisions WHERE kind = 'school' ORDER BY key"
            ).fetchall()
        return [key for (key,) in rows]

    def school(self, school_id: str, revision: int | None = None) -> School:
        return self._one("school", school_id, revision)

    def reviews(self, school_id: str | None = None, *, skip_damaged: bool = False) -> list[Review]:
        """Latest revision of each review, oldest academic year first."""
        reviews = self._latest("review", school_id, skip_damaged=skip_damaged)
        return sorted(reviews, key=lambda r: (r.school_id, r.academic_year, r.review_date))

    def review(self, review_id: str, revision: int | None = None) -> Review:
        return self._one("review", review_id, revision)

    def _one(self, kind: Kind, key: str, revision: int | None) -> Any:
        row = self._raw(kind, key, revision)
        if row is None:
            unknown = UnknownSchoolError if kind == "school" else UnknownReviewError
            if revision is not None and self._exists(kind, key):
                raise unknown(f"{key} revision {revision}")
            if kind == "school":
                raise UnknownSchoolError(key, self.school_ids())
            raise UnknownReviewError(key)
        return self._document(kind, key, row[0], row[1])

    def damaged_revisions(self) -> list[DamagedRevisionError]:
        """Every stored revision, old ones too, that cannot be read back: what `check` lists."""
        damaged: list[DamagedRevisionError] = []
        with self._errors():
            cursor = self._db.execute(
                "SELECT kind, key, number, saved_at, data FROM revisions ORDER BY kind, key, number"
            )
            for kind, key, number, saved_at, data in cursor:
                try:
                    _saved_at(saved_at)
                    self._document(kind, key, number, data)
                except ValueError:
                    damaged.append(
                        DamagedRevisionError(
                            self.path, kind, key, number, f"saved_at: not a time ({saved_at!r})"
                        )
                    )
                except DamagedRevisionError as exc:
                    damaged.append(exc)
        return damaged

    def readable_before(self, kind: Kind, key: str, number: int) -> int | None:
        """The newest revision older than `number` that can be read: what to export or
        restore instead of a damaged one."""
        with self._errors():
            rows = self._db.execute(
                "SELECT number, data FROM revisions WHERE kind = ? AND key = ? AND number < ?"
                " ORDER BY number DESC",
                (kind, key, number),
            ).fetchall()
        for earlier, data in rows:
            try:
                self._document(kind, key, earlier, data)
            except DamagedRevisionError:
                continue
            return earlier
        return None

    def latest_review(self, school_id: str) -> Review | None:
        reviews = self.reviews(school_id)
        return reviews[-1] if reviews else None

    def previous_review(self, review: Review) -> Review | None:
        """The school's most recent review from an earlier academic year."""
        earlier = [
            r for r in self.reviews(review.school_id) if r.academic_year < review.academic_year
        ]
        return earlier[-1] if earlier else None

    def head(self, kind: Kind, key: str) -> tuple[int, str] | None:
        """The newest revision's number and save time: an open page asks this every second
        or two to learn whether another page saved (a sitting's revision keeps its number
        while its time moves on)."""
        with self._errors():
            row = self._db.execute(
                "SELECT number, saved_at FROM revisions WHERE kind = ? AND key = ?"
                " ORDER BY number DESC LIMIT 1",
                (kind, key),
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def revisions(self, kind: Kind, key: str) -> list[Revision]:
        with self._errors():
            rows = self._db.execute(
                "SELECT number, saved_at, author FROM revisions WHERE kind = ? AND key = ?"
                " ORDER BY number",
                (kind, key),
            ).fetchall()
        history = []
        for n, at, author in rows:
            try:
                history.append(Revision(kind, key, n, _saved_at(at), author))
            except ValueError:
                raise DamagedRevisionError(
                    self.path, kind, key, n, f"saved_at: not a time ({at!r})"
                ) from None
        return history

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
        self._refuse_if_read_only()
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
        text = packed or _pack(document)
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


class DamagedRevisionError(StoreError):
    """A stored revision that cannot be read back: which one, and which field is wrong."""

    def __init__(self, path: Path, kind: str, key: str, number: int, problem: str) -> None:
        self.kind, self.key, self.number, self.problem = kind, key, number, problem
        super().__init__(f"{path}: revision {number} of {kind} {key} cannot be read ({problem})")


def _why(text: str, exc: Exception) -> str:
    """The field of a stored revision that cannot be read, in the words `import` would use."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as bad:
        return f"data: not valid JSON ({str(bad).splitlines()[0][:120]})"
    try:
        parse_document(data, "-")
    except InputError as refused:
        return str(refused).removeprefix("-: ").splitlines()[0]
    errors = getattr(exc, "errors", None)
    if callable(errors) and errors():
        first = errors()[0]
        return f"{field_path(tuple(first['loc'])) or 'data'}: {first['msg']}"
    return f"data: {str(exc).splitlines()[0]}"


def _saved_at(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.fromisoformat(value)


def store_file_problem(path: Path, empty_ok: bool = False) -> str:
    """Why the file at the store's path cannot be a store, or '' when it can: checked before
    SQLite opens it, which would block on a FIFO or take an empty file for a new store."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file: the store must be a file (move this away)"
        if info.st_size == 0:
            if empty_ok:
                return ""
            return (
                "the store file is empty (0 bytes): it holds no schools or reviews; restore it "
                "from a backup, or move it away and import the hub again"
            )
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        return f"cannot read the store ({exc.strerror or exc})"
    if head != _SQLITE_MAGIC:
        return (
            "the file is damaged or is not a careers-review store (it is not an SQLite "
            "database): restore it from a backup, or move it away and import the hub again"
        )
    return ""


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
