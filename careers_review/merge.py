"""Three-way merge of documents, so that two pages editing one review both keep their work.

Documents are JSON values. Objects merge key by key; lists whose items carry an `id` merge
item by item (an item added, edited, moved or removed on one side survives the other side's
changes to other items); anything else is one value. When both sides changed the same value
differently, this side's value is kept and a `Clash` records the other, so that the page can
say so and offer it; when one side removed an item the other edited, the item stays, edited,
and is recorded too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Clash", "Path", "differences", "get", "merge", "put"]

#: Where a value sits in a document: keys of objects, and for lists of items their ids.
Path = tuple[str, ...]


@dataclass(frozen=True)
class Clash:
    """A value both sides changed: `mine` was kept, `theirs` is the other side's."""

    path: Path
    mine: Any
    theirs: Any
    kind: Literal["both_changed", "removed_elsewhere", "removed_here"] = "both_changed"


def _is_items(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in value)
    )


def _items(*values: Any) -> bool:
    """Whether these values are lists of id-carrying items (an empty list goes with any)."""
    lists = [v for v in values if v is not None]
    return all(isinstance(v, list) for v in lists) and any(_is_items(v) for v in lists)


def merge(base: Any, mine: Any, theirs: Any) -> tuple[Any, tuple[Clash, ...]]:
    """Combine the changes `mine` and `theirs` each made to `base`."""
    clashes: list[Clash] = []
    merged = _merge(base, mine, theirs, (), clashes)
    return merged, tuple(clashes)


def _merge(base: Any, mine: Any, theirs: Any, path: Path, clashes: list[Clash]) -> Any:
    if mine == base:
        return theirs
    if theirs == base or mine == theirs:
        return mine
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return _merge_objects(base if isinstance(base, dict) else {}, mine, theirs, path, clashes)
    if _items(base, mine, theirs):
        return _merge_items(base or [], mine, theirs, path, clashes)
    clashes.append(Clash(path, mine, theirs))
    return mine


def _merge_objects(base: dict, mine: dict, theirs: dict, path: Path, clashes: list[Clash]):
    merged = {}
    for key in dict.fromkeys([*theirs, *mine]):
        if key in mine and key in theirs:
            merged[key] = _merge(base.get(key), mine[key], theirs[key], (*path, key), clashes)
        elif key in mine:
            if key not in base or mine[key] != base[key]:
                merged[key] = mine[key]
        elif key not in base or theirs[key] != base[key]:
            merged[key] = theirs[key]
    return merged


def _merge_items(base: list, mine: list, theirs: list, path: Path, clashes: list[Clash]):
    old, ours, other = ({item["id"]: item for item in items} for items in (base, mine, theirs))
    kept: dict[str, Any] = {}
    for item_id in dict.fromkeys([*ours, *other]):
        here, there, before = ours.get(item_id), other.get(item_id), old.get(item_id)
        where = (*path, item_id)
        if here is not None and there is not None:
            kept[item_id] = _merge(before, here, there, where, clashes)
        elif here is not None:
            if before is None:
                kept[item_id] = here  # added here
            elif here != before:
                kept[item_id] = here  # edited here, removed there: keep the edit, and say so
                clashes.append(Clash(where, here, None, "removed_elsewhere"))
        elif there is not None:
            if before is None:
                kept[item_id] = there  # added there
            elif there != before:
                kept[item_id] = there  # removed here, edited there
                clashes.append(Clash(where, None, there, "removed_here"))
    order = _order([i["id"] for i in base], [i["id"] for i in mine], [i["id"] for i in theirs])
    return [kept[item_id] for item_id in order if item_id in kept]


def _order(base: list[str], mine: list[str], theirs: list[str]) -> list[str]:
    """The merged order: the side that reordered what both still have leads (this side when
    both did); the other side's additions follow the item they followed there."""
    common = [i for i in base if i in mine and i in theirs]
    moved_here = [i for i in mine if i in common] != common
    moved_there = [i for i in theirs if i in common] != common
    lead, follow = (theirs, mine) if moved_there and not moved_here else (mine, theirs)
    order = list(lead)
    for index, item_id in enumerate(follow):
        if item_id in order:
            continue
        after = next((p for p in reversed(follow[:index]) if p in order), None)
        order.insert(0 if after is None else order.index(after) + 1, item_id)
    return order


def get(document: Any, path: Path) -> Any:
    """The value at `path`, or None where there is none."""
    value = document
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif _is_items(value):
            value = next((item for item in value if item["id"] == step), None)
        else:
            return None
    return value


def put(document: Any, path: Path, value: Any) -> Any:
    """A copy of `document` with `value` at `path` (objects on the way are copied, not
    changed); a path that leads nowhere leaves the document as it was."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if isinstance(document, dict):
        return {**document, step: put(document.get(step), rest, value)}
    if _is_items(document):
        return [put(item, rest, value) if item["id"] == step else item for item in document]
    return document


def differences(before: Any, after: Any, path: Path = ()) -> list[Path]:
    """The paths of the smallest values that differ between two documents."""
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            found
            for key in dict.fromkeys([*before, *after])
            for found in differences(before.get(key), after.get(key), (*path, key))
        ]
    if _items(before, after):
        old = {i["id"]: i for i in before or []}
        new = {i["id"]: i for i in after or []}
        found = [
            changed
            for item_id in dict.fromkeys([*old, *new])
            for changed in differences(old.get(item_id), new.get(item_id), (*path, item_id))
        ]
        return found or [path]  # the same items in another order
    return [path]
