"""One stored revision: how its text is kept, and reading it back.

A revision that cannot be read back (a disk fault, or a row written by something else) is a
`DamagedRevisionError` naming the revision and the field that is wrong, in the words `import`
would use, so `check` can list it and a page can fall back to an earlier revision.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from .errors import InputError, StoreError, field_path
from .model import Review, School, dump_json, parse_document

__all__ = [
    "DamagedRevisionError",
    "Kind",
    "Revision",
    "pack",
    "parse_saved_at",
    "read_document",
    "unpack",
]

Kind = Literal["school", "review"]


@dataclass(frozen=True)
class Revision:
    """One saved version: when it was last saved, by whom, and the page session (`sitting`)
    whose saves it holds, from `began_at` on. Rows saved before sittings were kept have
    neither: they read as a sitting of their own that began when it was saved."""

    kind: Kind
    key: str
    number: int
    saved_at: datetime
    author: str
    sitting: str = ""
    began_at: datetime | None = None

    @property
    def began(self) -> datetime:
        """When this revision's first save was made (its save time when not recorded)."""
        return self.began_at or self.saved_at


class DamagedRevisionError(StoreError):
    """A stored revision that cannot be read back: which one, and which field is wrong."""

    def __init__(self, path: Path, kind: str, key: str, number: int, problem: str) -> None:
        self.kind, self.key, self.number, self.problem = kind, key, number, problem
        super().__init__(f"{path}: revision {number} of {kind} {key} cannot be read ({problem})")


def pack(document: School | Review) -> bytes:
    """A revision's text as it is kept: compressed (a typed page's history is mostly the same
    words)."""
    return zlib.compress(dump_json(document).encode("utf-8"), 6)


def unpack(data: str | bytes, path: Path, where: tuple[str, str, int] | None = None) -> str:
    """A revision's text from its stored bytes; those written before compression are plain
    text. `where` (kind, key, number) names the revision when its bytes are damaged."""
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
        raise StoreError(f"{path}: a revision is damaged and cannot be read ({problem})")
    raise DamagedRevisionError(path, *where, problem)


def read_document(
    path: Path, kind: str, key: str, number: int, data: str | bytes
) -> School | Review:
    """One stored revision read back, or a DamagedRevisionError naming it and the field
    that cannot be read."""
    text = unpack(data, path, (kind, key, number))
    model: type[School] | type[Review] = School if kind == "school" else Review
    try:
        document = model.model_validate_json(text)
    except ValueError as exc:  # pydantic's ValidationError is one
        raise DamagedRevisionError(path, kind, key, number, _why(text, exc)) from None
    if document.id != key:
        raise DamagedRevisionError(
            path, kind, key, number, f"id: {document.id!r} in a row kept for {key!r}"
        )
    return document


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


def parse_saved_at(value: object) -> datetime:
    """A revision's save time; ValueError when the stored value is not one."""
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.fromisoformat(value)
