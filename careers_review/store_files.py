"""The store's file: where it is, whether it can be one, making it, and opening it.

Everything here is checked or done before the store reads a revision, so a FIFO, an empty
file, another program's database or a read-only folder is named in a message a person can act
on, rather than blocking, being taken for a new store, or ending in an SQLite error.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from .errors import StoreError

__all__ = [
    "DATA_ENV",
    "DB_NAME",
    "DEFAULT_DATA_DIR",
    "FORMAT",
    "connect_read_only",
    "connect_writable",
    "create_private",
    "readable_format",
    "resolve_data_dir",
    "sqlite_reason",
    "store_file_problem",
    "transaction",
]

DATA_ENV = "CAREERS_REVIEW_DATA"
DEFAULT_DATA_DIR = "careers-review-data"
DB_NAME = "careers-review.sqlite"
#: The store format this version writes; format 1 is read as it is and migrated when written.
FORMAT = "2"

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


def create_private(data_dir: Path, path: Path) -> None:
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


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once so two writers queue rather than deadlock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        # SQLite may already have rolled back (a full disk does): keep the first error.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _meta_format(db: sqlite3.Connection) -> str | None:
    has_meta = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    if not has_meta:
        return None
    row = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
    return row[0] if row else None


def connect_writable(path: Path, timeout: float) -> sqlite3.Connection:
    """The store opened for writing, made or migrated to the current format as needed."""
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    version = _meta_format(db)
    if version is None:
        if db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None:
            raise StoreError(f"{path}: {_NOT_OURS}")
        with transaction(db):
            for statement in filter(str.strip, _SCHEMA.split(";\n")):
                db.execute(statement)
            db.execute(_UPDATE_TRIGGER)
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)", (FORMAT,))
    elif version == "1":
        with transaction(db):
            for statement in _FROM_FORMAT_1:
                db.execute(statement)
            db.execute(_UPDATE_TRIGGER)
            db.execute("UPDATE meta SET value = ? WHERE key = 'format'", (FORMAT,))
    elif version != FORMAT:
        raise StoreError(f"{path}: store format {version} is not readable here")
    return db


def connect_read_only(path: Path, data_dir: Path, timeout: float) -> sqlite3.Connection:
    """SQLite's read-only mode. Where the folder cannot be written, SQLite could not make the
    -shm file a WAL store needs to be read, so the file is opened as immutable (read with no
    locks and no -shm); unless a -wal file still holds changes, which that would skip."""
    uri = f"file:{quote(str(path))}?mode=ro"
    if not os.access(data_dir, os.W_OK):
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            if not Path(f"{path}-shm").exists():
                raise StoreError(
                    f"{path}: its {wal.name} file holds changes that cannot be read in "
                    "a folder that cannot be written: copy the folder somewhere writable "
                    "and open the copy"
                )
        else:
            uri += "&immutable=1"
    return sqlite3.connect(
        uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
    )


def readable_format(db: sqlite3.Connection, path: Path) -> str:
    """The store's format, checked without creating or migrating anything: format 1 is
    read as it is (its revisions have the same columns for reading)."""
    version = _meta_format(db)
    if version is None:
        raise StoreError(f"{path}: {_NOT_OURS}")
    if version not in ("1", FORMAT):
        raise StoreError(f"{path}: store format {version} is not readable here")
    return version


def sqlite_reason(text: str, read_only: bool) -> str:
    """An SQLite error's text in words a person can act on."""
    if "locked" in text or "busy" in text:
        return "the store is locked by another program; try again in a moment"
    if "readonly" in text or "read-only" in text:
        return (
            "the store cannot be written (is the data directory read-only, or owned by "
            "another user?)"
        )
    if "unable to open" in text and read_only:
        return "the store cannot be opened for reading (check the folder's permissions)"
    if "unable to open" in text:
        return (
            "the store cannot be opened for writing (is the data directory read-only, "
            "or owned by another user?)"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"the file is damaged or is not a careers-review store ({text})"
    if "disk" in text and "full" in text:
        return "the disk is full"
    return text
