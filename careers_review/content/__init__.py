"""The framework content: the YAML shipped here, or a hub's own file, validated on load."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import FrameworkError
from .schema import (
    SECTIONS,
    Benchmark,
    Framework,
    KeyRole,
    LeadershipStructure,
    Level,
    MaturityModel,
    Theme,
)

__all__ = [
    "BUILTIN_DIR",
    "Benchmark",
    "Framework",
    "KeyRole",
    "LeadershipStructure",
    "Level",
    "MaturityModel",
    "Theme",
    "data_dir_framework",
    "default_framework",
    "load_framework",
]

BUILTIN_DIR = Path(__file__).parent
#: A framework file placed in a data directory under this name is used for that directory.
DATA_DIR_FRAMEWORK = "framework.yaml"


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice, which PyYAML would otherwise silently drop."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_sections(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(f"{path}: framework file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path}: cannot read framework file ({exc})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FrameworkError(f"{path}:{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise FrameworkError(f"{path}: expected a mapping of sections ({', '.join(SECTIONS)})")
    unknown = [key for key in data if key not in SECTIONS]
    if unknown:
        raise FrameworkError(
            f"{path}: unknown key {unknown[0]!r} (expected one of: {', '.join(SECTIONS)})"
        )
    return data


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _validate(sections: dict[str, Any], origin: dict[str, Path]) -> Framework:
    try:
        return Framework.model_validate(sections)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        # Cross-section checks carry no location; their message starts with the section name.
        section = str(loc[0]) if loc else re.split(r"[.\[]", message, maxsplit=1)[0]
        path = origin.get(section) or next(iter(origin.values()), Path("framework"))
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        elif first["type"] == "missing":
            message = "required key is missing"
        where = _location(loc)
        raise FrameworkError(
            f"{path}: {where}: {message}" if where else f"{path}: {message}"
        ) from None


def _builtin_sections() -> tuple[dict[str, Any], dict[str, Path]]:
    sections: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    for path in sorted(BUILTIN_DIR.glob("*.yaml")):
        for key, value in _read_sections(path).items():
            if key in sections:
                raise FrameworkError(f"{path}: section {key!r} is also in {origin[key].name}")
            sections[key] = value
            origin[key] = path
    return sections, origin


@lru_cache(maxsize=1)
def default_framework() -> Framework:
    """The framework shipped with the package."""
    sections, origin = _builtin_sections()
    return _validate(sections, origin)


def load_framework(path: str | os.PathLike[str] | None = None) -> Framework:
    """Load a hub's framework file over the built-in one.

    The file may hold any subset of the sections; each section it holds replaces the built-in
    one whole, so a hub can swap in its own maturity model and keep our benchmarks and checklist.
    """
    if path is None:
        return default_framework()
    path = Path(path)
    sections, origin = _builtin_sections()
    own = _read_sections(path)
    for key, value in own.items():
        sections[key] = value
        origin[key] = path
    return _validate(sections, origin)


def data_dir_framework(data_dir: Path, override: str | os.PathLike[str] | None = None) -> Framework:
    """The framework in use for a data directory: an explicit file, else its framework.yaml."""
    if override:
        return load_framework(override)
    candidate = Path(data_dir) / DATA_DIR_FRAMEWORK
    return load_framework(candidate) if candidate.is_file() else default_framework()
