"""What every stored document is made of: the base model, its limits, and item ids.

Shared by the school and review documents (model.py) and the plan (planning.py), so both
refuse the same overlong text and give list items ids the same way.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_TEXT",
    "SAFE_ID",
    "SCHEMA_VERSION",
    "ActionStatus",
    "Document",
    "Focus",
    "Link",
    "fill_ids",
    "item_id",
    "new_id",
    "with_ids",
]

SCHEMA_VERSION: Literal[1] = 1
#: The most characters one text field holds: about 3,000 words, far more than any note needs,
#: and small enough that typing can never fill the store.
MAX_TEXT = 20_000
#: Ids become folder and file names in batch output: letters, digits, '-' and '_' only.
SAFE_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,20}\Z")
Focus = Literal["strength", "priority", "neither"]
ActionStatus = Literal["not_started", "in_progress", "done", "dropped"]
#: What an action or priority is about: 'theme:<id>', 'benchmark:<number>', or empty.
Link = Annotated[str, Field(pattern=r"^(theme:[a-z0-9_]+|benchmark:\d{1,2})?$")]


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_max_length=MAX_TEXT)


def new_id(prefix: str) -> str:
    """An id for a new item of a list: random, so that two pages adding an item each at the
    same time never give them the same id (positional ids would, and the merge would then
    take two different items for one)."""
    return f"{prefix}-{secrets.token_hex(4)}"


def with_ids(items: Any, prefix: str) -> Any:
    """Items saved before lists carried ids get them from their place, the same on every
    read (so that the merge base and the newest revision agree); a plain string becomes the
    text of an item."""
    if not isinstance(items, list):
        return items
    taken = {i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}
    given = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, str):
            item = {"text": item}
        if isinstance(item, dict) and "id" not in item:
            number = index
            while f"{prefix}{number}" in taken:
                number += 1
            taken.add(f"{prefix}{number}")
            item = {"id": f"{prefix}{number}", **item}
        given.append(item)
    return given


def fill_ids(data: Any, lists: dict[str, str]) -> Any:
    if isinstance(data, dict) and any(isinstance(data.get(name), list) for name in lists):
        data = {
            **data,
            **{
                name: with_ids(data[name], prefix) for name, prefix in lists.items() if name in data
            },
        }
    return data


def item_id(prefix: str) -> Any:
    return Field(default_factory=lambda: new_id(prefix), pattern=SAFE_ID)
