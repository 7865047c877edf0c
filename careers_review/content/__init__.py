"""The framework content: the YAML shipped here, or a hub's own file, validated on load."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import FrameworkError, field_path
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


# libyaml's parser when PyYAML was built with it: the framework is read on every page opened.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses a key given twice, which PyYAML would otherwise silently drop."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a list or mapping cannot be a key", key_node.start_mark
            ) from None
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
        raise FrameworkError(f"{path}: {_yaml_problem(exc, text)}") from None
    except RecursionError:
        raise FrameworkError(
            f"{path}: not valid YAML: lists or mappings nested too deeply"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML builds dates and numbers with Python's own constructors, which can refuse a
        # value that looks right to the parser: 2025-02-30, or an integer of 5,000 digits.
        detail = str(exc)
        if "integer string conversion" in detail:
            detail = "a number has too many digits"
        raise FrameworkError(f"{path}: not valid YAML: {_one_line(detail)}") from None
    if not isinstance(data, dict):
        raise FrameworkError(f"{path}: expected a mapping of sections ({', '.join(SECTIONS)})")
    unknown = [key for key in data if key not in SECTIONS]
    if unknown:
        raise FrameworkError(
            f"{path}: unknown key {unknown[0]!r} (expected one of: {', '.join(SECTIONS)})"
        )
    return data


def _one_line(text: str, limit: int = 200) -> str:
    """Text from a library or a user's file, fit for one line of a message."""
    text = " ".join(text.split()) or "no details"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    """'line N: not valid YAML: what is wrong', on one line, for any error PyYAML raises."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        character = exc.character
        shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        return f"line {line}: not valid YAML: the character {shown} is not allowed"
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}: " if mark else ""
    return f"{where}not valid YAML: {_one_line(problem)}"


def _validate(
    sections: dict[str, Any], origin: dict[str, Path], given: Path | None = None
) -> Framework:
    """The framework, or a FrameworkError naming the file to fix: `given` (a hub's file) when
    one was given, even where the check fails in a built-in section it no longer fits."""
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
        where = field_path(loc)
        message = _one_line(message)
        problem = f"{where}: {message}" if where else message
        if given is not None and path != given:
            # The hub's sections and ours do not fit together: the hub's file is what to fix.
            raise FrameworkError(
                f"{given}: does not fit the built-in {section} ({path.name}): {problem}"
            ) from None
        raise FrameworkError(f"{path}: {problem}") from None


def _builtin_sections() -> tuple[dict[str, Any], dict[str, Path]]:
    """The shipped sections, read once; callers get their own top-level dicts to change."""
    sections, origin = _read_builtin()
    return dict(sections), dict(origin)


@lru_cache(maxsize=1)
def _read_builtin() -> tuple[dict[str, Any], dict[str, Path]]:
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
    return _validate(sections, origin, path)


def data_dir_framework(data_dir: Path, override: str | os.PathLike[str] | None = None) -> Framework:
    """The framework in use for a data directory: an explicit file, else its framework.yaml."""
    if override:
        return load_framework(override)
    candidate = Path(data_dir) / DATA_DIR_FRAMEWORK
    return load_framework(candidate) if candidate.is_file() else default_framework()
