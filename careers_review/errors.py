"""One small tree of errors, so callers (the CLI, the apps) catch one type and show its message."""

from __future__ import annotations

__all__ = [
    "CareersReviewError",
    "FrameworkError",
    "InputError",
    "NotFoundError",
    "StoreError",
    "UnknownReviewError",
    "UnknownSchoolError",
]


class CareersReviewError(Exception):
    """Base of every error the product raises on purpose; its message is meant for a person."""


class InputError(CareersReviewError):
    """A file or value a user gave is not acceptable; the message names the file and field."""


class FrameworkError(InputError):
    """A framework YAML file does not describe a valid framework."""


class NotFoundError(CareersReviewError):
    """Something asked for by id is not in the store."""


class UnknownSchoolError(NotFoundError, InputError):
    def __init__(self, school_id: str, known: list[str] | None = None) -> None:
        hint = (
            f" (known: {', '.join(known[:12])}{', ...' if len(known) > 12 else ''})"
            if known
            else ""
        )
        super().__init__(f"unknown school id {school_id!r}{hint}")
        self.school_id = school_id


class UnknownReviewError(NotFoundError, InputError):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"unknown review {review_id!r}")
        self.review_id = review_id


class StoreError(CareersReviewError):
    """The store file cannot be opened or written (corrupt, locked, read-only)."""
