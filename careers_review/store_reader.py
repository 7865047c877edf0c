"""The store as it is read: opening its file, and every query that only reads it.

`Store` adds the saves; open a `Store` (read-only where nothing may be written), not this.
Reading is kept apart so the few methods that write, and the rules for when they fold or
merge, are all in one short place.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Self

from .errors import StoreError, UnknownReviewError, UnknownSchoolError
from .model import Review, School
from .store_files import (
    DB_NAME,
    FORMAT,
    connect_read_only,
    connect_writable,
    create_private,
    readable_format,
    resolve_data_dir,
    sqlite_reason,
    store_file_problem,
    transaction,
)
from .store_revisions import (
    DamagedRevisionError,
    Kind,
    Revision,
    parse_saved_at,
    read_document,
    unpack,
)

__all__ = ["StoreReader"]


class StoreReader:
    """A data directory's store file, opened, with every read; see `Store` for saving."""

    def _open(
        self, data_dir: str | os.PathLike[str] | None, create: bool, read_only: bool, timeout: float
    ) -> None:
        """Open the data directory's store file, making it first when `create` allows; see
        `Store` for what each argument means."""
        self.data_dir = resolve_data_dir(data_dir)
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        self._read_only = read_only
        if not self.path.exists():
            if not create or read_only:
                raise StoreError(
                    f"{self.path}: no store here yet (import a hub with 'careers-review import')"
                )
            create_private(self.data_dir, self.path)
        else:
            # An empty file is a store being made only when this call may make it.
            problem = store_file_problem(self.path, empty_ok=create and not read_only)
            if problem:
                raise StoreError(f"{self.path}: {problem}")
        with self._errors():
            if read_only:
                self._db = connect_read_only(self.path, self.data_dir, timeout)
                self._format = readable_format(self._db, self.path)
            else:
                self._db = connect_writable(self.path, timeout)
                self._format = FORMAT

    @property
    def read_only(self) -> bool:
        """Whether this store refuses saves: a page shows its data and says changes are not kept."""
        return self._read_only

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        # One connection per Store; the lock lets a kernel's callbacks share it across threads.
        try:
            with self._lock:
                yield
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {sqlite_reason(str(exc), self._read_only)}") from None

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
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
        return None if row is None else (row[0], unpack(row[1], self.path, (kind, key, row[0])))

    def _exists(self, kind: Kind, key: str) -> bool:
        with self._errors():
            return (
                self._db.execute(
                    "SELECT 1 FROM revisions WHERE kind = ? AND key = ? LIMIT 1", (kind, key)
                ).fetchone()
                is not None
            )

    def _document(self, kind: Kind, key: str, number: int, data: str | bytes) -> Any:
        return read_document(self.path, kind, key, number, data)

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
                    parse_saved_at(saved_at)
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
        """Every revision of one document, oldest first, with who saved it and in which
        sitting (a format 1 store, read as it is, has no sittings)."""
        sittings = "sitting, began_at" if self._format != "1" else "'', ''"
        with self._errors():
            rows = self._db.execute(
                f"SELECT number, saved_at, author, {sittings} FROM revisions"
                " WHERE kind = ? AND key = ? ORDER BY number",
                (kind, key),
            ).fetchall()
        history = []
        for n, at, author, sitting, began in rows:
            try:
                saved_at = parse_saved_at(at)
            except ValueError:
                raise DamagedRevisionError(
                    self.path, kind, key, n, f"saved_at: not a time ({at!r})"
                ) from None
            try:
                began_at = parse_saved_at(began) if began else None
            except ValueError:
                began_at = None  # only the history's "from" time: the revision still reads
            history.append(Revision(kind, key, n, saved_at, author or "", sitting or "", began_at))
        return history

    def revision_count(self) -> int:
        with self._errors():
            return self._db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0]

    def integrity_problems(self) -> list[str]:
        with self._errors():
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        return [] if rows == [("ok",)] else [row[0] for row in rows]
