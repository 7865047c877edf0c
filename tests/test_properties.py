"""Property-based tests for every loader that takes a user's file.

Whatever the input (a sample file with keys dropped, types swapped, hostile text, another
encoding, truncated at a random byte, or plain random bytes), a loader gives back a valid object
of the type it documents, or raises the project's own error (`CareersReviewError`) with a
non-empty, one-line message that names the file. Any other exception fails the test.

Inputs start from the real sample files (reviews, schools, the framework YAML, the schools CSV,
the evidence CSVs) and are mutated twice: as data (a tree of keys and values, or a table of
cells) and then as text and bytes. Every test is derandomised, so CI sees the same examples.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from careers_review.batch import SchoolsFileError, read_schools_csv
from careers_review.content import BUILTIN_DIR, Framework, default_framework, load_framework
from careers_review.errors import CareersReviewError
from careers_review.evidence import (
    DestinationsFile,
    EncountersLog,
    SchoolDestinations,
    SurveyResults,
    load_destinations,
    load_encounters,
    load_la_names,
    load_survey,
)
from careers_review.exchange import ImportReport, import_paths, read_documents
from careers_review.model import SAFE_ID, Review, School, check_review, dump_json, parse_document
from careers_review.store import Store

from .conftest import SAMPLE
from .test_evidence_destinations import STEMS

EVIDENCE = SAMPLE / "evidence"

#: CI runs the same examples every time. To hunt further on a workstation, run with
#: PROPERTIES_RANDOM=1 (fresh examples) and PROPERTIES_SCALE=10 (ten times as many).
DERANDOMIZE = not os.environ.get("PROPERTIES_RANDOM")
SCALE = int(os.environ.get("PROPERTIES_SCALE", "1"))


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=DERANDOMIZE,
        database=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# ---------------------------------------------------------------------------------------------
# What every loader must do


def assert_good_error(exc: CareersReviewError, source: str) -> None:
    """A message for a person: not empty, one line, and it names the file."""
    problems = exc.problems if isinstance(exc, SchoolsFileError) else [str(exc)]
    # A SchoolsFileError lists every problem of the file, one line each, by design.
    assert problems, f"{type(exc).__name__} with no problems"
    for message in problems:
        assert message.strip(), f"{type(exc).__name__} with an empty message"
        assert len(message.splitlines()) == 1, f"message is not one line: {message!r}"
        assert source in message, f"message does not name {source!r}: {message!r}"


def outcome(source: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The loader's result, or None when it refused the input the way the product should."""
    try:
        return call(*args, **kwargs)
    except CareersReviewError as exc:
        assert_good_error(exc, source)
        return None


def assert_one_line(messages: Any, source: str) -> None:
    """Warnings and notes are messages too."""
    for message in messages:
        assert isinstance(message, str) and message.strip()
        assert len(message.splitlines()) == 1, f"note is not one line: {message!r}"
        assert source in message


# ---------------------------------------------------------------------------------------------
# Hostile values

NASTY: list[str] = [
    "",
    " ",
    "\t",
    "0",
    "-1",
    "-0",
    "007",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "99999999999999999999",
    "9" * 5000,
    "²",
    "³⁴",
    "١٢",
    "٣٠٪",
    "𝟙𝟚",
    "½",
    "Ⅻ",
    "مدرسة الأمل",
    "שלום עולם",
    "\u202egnp.exe",
    "\u200f\u200e\u200b",
    "\u2066x\u2069",
    "🎓👩🏽‍🏫🇬🇧",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\x0b\x0c",
    "\x1c\x1d\x1e",
    "{{ 7*7 }}",
    "{% raw %}{{",
    "${HOME}",
    "%s%n",
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A9)",
    "\ufeff",
    "\ufeffschool_id",
    "\r\n",
    "\r",
    "\n",
    "a\nb",
    '"',
    "'",
    '""',
    "\\",
    "a,b",
    '"a,b"',
    ";",
    "x" * 10_000,
    "\ud800",
    "\udfff",
    "<script>alert(1)</script>",
    "null",
    "true",
    "[]",
    "{}",
    "*alias",
    "&anchor",
    "!!python/object:os.system",
    "Ω≈ç√∫",
    "İ",
    "ß",
    "e\u0301",
    "SUPP",
    "NA",
    "x",
    "c",
    "low",
    "SP",
    "50%",
    "101%",
    "-5%",
    "1,234",
    "0x1F",
    "1_000",
    "2025/26",
    "2025-2026",
    "2025/27",
    "31/12/2025",
    "2025-02-30",
    "9999-12-31",
    "0000-01-01",
    "Year 7",
    "7-13",
    "12;13",
    "13-7",
    "Y99",
    "provider_access",
    "Strongly agree",
    "school",
    "review",
    "theme:leaders_vision",
    "benchmark:99",
]

nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=8)),
)
numbers = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 1, 2, 5, 99, 10**6, 2**31, 2**63, -(2**63), 10**30, -(10**300)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
    max_leaves=8,
)
yaml_keys = st.one_of(nasty_text, st.integers(-3, 12), st.booleans(), st.none())
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(yaml_keys, inner, max_size=3),
    max_leaves=8,
)


# ---------------------------------------------------------------------------------------------
# Mutating trees (JSON and YAML documents)


def _containers(tree: Any) -> Iterator[dict | list]:
    if isinstance(tree, dict):
        if tree:
            yield tree
        for value in tree.values():
            yield from _containers(value)
    elif isinstance(tree, list):
        if tree:
            yield tree
        for value in tree:
            yield from _containers(value)


def _leaves(tree: Any) -> Iterator[tuple[dict | list, Any]]:
    """(container, key) for every value that is not itself a container."""
    for node in _containers(tree):
        for key in node if isinstance(node, dict) else range(len(node)):
            if not isinstance(node[key], dict | list):
                yield node, key


#: For a value of each type, hostile values of the same or a nearby type.
EDGE_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1.0, -1, 0, 10**30, 2**63, 0.1]
NEAR: dict[type, st.SearchStrategy] = {
    bool: st.sampled_from([0, 1, "true", "yes", None]),
    int: st.one_of(st.sampled_from(EDGE_NUMBERS), numbers, st.sampled_from(["3", "", None, True])),
    float: st.one_of(st.sampled_from(EDGE_NUMBERS), numbers, st.sampled_from(["81.0", "", None])),
    str: st.one_of(nasty_text, numbers, st.none()),
    type(None): st.one_of(numbers, nasty_text, st.booleans()),
}


def _all_keys(tree: Any) -> list[Any]:
    return sorted(
        {k for node in _containers(tree) if isinstance(node, dict) for k in node}, key=repr
    )


@st.composite
def mutated_tree(draw: st.DrawFn, base: Any, values: st.SearchStrategy, keys: st.SearchStrategy):
    """The base document with up to five edits: keys dropped, renamed or added, values of the
    wrong type, lists duplicated or emptied, a part moved to another place."""
    tree = copy.deepcopy(base)
    known_keys = _all_keys(base)
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 2, 3, 5]))):
        containers = list(_containers(tree))
        if not containers:
            break
        node = draw(st.sampled_from(containers))
        where = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        op = draw(
            st.sampled_from(
                ["drop", "rename", "replace", "near", "near", "add", "wrap", "dup", "empty", "move"]
            )
        )
        if op == "near":
            # A type first, then a value of that type: the few numbers get as many turns as
            # the many strings.
            by_type: dict[str, list] = {}
            for node, where in _leaves(tree):
                by_type.setdefault(type(node[where]).__name__, []).append((node, where))
            if by_type:
                leaves = by_type[draw(st.sampled_from(sorted(by_type)))]
                node, where = draw(st.sampled_from(leaves))
                node[where] = draw(NEAR.get(type(node[where]), values))
        elif op == "drop":
            del node[where]
        elif op == "rename" and isinstance(node, dict):
            new = draw(st.one_of(keys, st.sampled_from(known_keys)))
            node[new] = node.pop(where)
        elif op == "replace":
            node[where] = draw(values)
        elif op == "add" and isinstance(node, dict):
            node[draw(st.one_of(keys, st.sampled_from(known_keys)))] = draw(values)
        elif op == "add":
            node.insert(draw(st.integers(0, len(node))), draw(values))
        elif op == "wrap":
            node[where] = [node[where]] if draw(st.booleans()) else {"value": node[where]}
        elif op == "dup" and isinstance(node, list):
            node.append(copy.deepcopy(node[where]))
        elif op == "dup":
            node[draw(keys)] = copy.deepcopy(node[where])
        elif op == "empty":
            node[where] = type(node[where])() if isinstance(node[where], dict | list) else ""
        elif op == "move":
            other = draw(st.sampled_from(containers))
            if other is not node and not _contains(node[where], other):
                if isinstance(other, dict):
                    other[draw(st.sampled_from(list(other)))] = copy.deepcopy(node[where])
                else:
                    other.append(copy.deepcopy(node[where]))
    return tree


def _contains(tree: Any, target: Any) -> bool:
    return any(node is target for node in _containers(tree))


# ---------------------------------------------------------------------------------------------
# Mutating text and bytes (every format)

#: Encodings a file may arrive in; the last few are wrong for an English school's files.
ENCODINGS = [
    *["utf-8"] * 10,
    "utf-8-sig",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-32",
    "cp1252",
    "latin-1",
    "mac_roman",
    "shift_jis",
    "koi8-r",
    "utf-7",
]
PREFIXES = [
    codecs.BOM_UTF8,
    codecs.BOM_UTF8 + codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"PK\x03\x04",
    b"\x1f\x8b\x08",
    b"%PDF-1.7\n",
    b"\x00",
    b"\xff",
]
#: Lines dropped in whole, as they stand: not quoted, not escaped.
RAW_LINES: dict[str, list[str]] = {
    "json": ["[" * 5000, "{" * 5000, "1" * 5000, "NaN", "-Infinity", '"\\ud800"', "\x00"],
    "yaml": [
        "? [a, b]\n: 1",
        "{[1, 2]: x}",
        "? {a: 1}\n: x",
        "when: 2025-02-30",
        "when: 2025-13-45 10:00:00",
        "x: !!python/object/apply:os.system ['true']",
        "x: !!binary '!!!'",
        "x: !!binary aGVsbG8=",
        "x: !!set {a, b}",
        "x: !!float nan",
        "x: !!int 0x1_0",
        "x: !!timestamp 2001-12-14",
        "a: &a [*a]",
        "b: &b {b: *b}",
        "<<: *nothing",
        "<<: [1, 2]",
        "---\nsecond: document",
        "%YAML 1.1\n---",
        "x: " + "[" * 3000 + "]" * 3000,
        "\tindented: with a tab",
        "x: \x00",
        "x: \x85",
        "x: '\ud800'",
        "key: value: other",
        "- just\n- a\n- list",
        "maturity_model: null",
        "benchmarks: []",
        "id: " + "y" * 70,
    ],
    "csv": [
        '"unclosed quote,a,b',
        'a,"b""c",d',
        "a;b;c;d",
        "a\tb\tc",
        ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,",
        "\x00,\x00",
        "x" * 200_000,
        '"' + "y" * 140_000 + '"',
        "=cmd|' /C calc'!A0,@SUM(A1),+1,-1",
        "\ufeffschool_id,name",
        "1,2,3\r4,5,6",
    ],
}


@st.composite
def hostile_bytes(draw: st.DrawFn, text: str, kind: str) -> bytes:
    """The text with a few text edits, encoded one way or another, then a few byte edits."""
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2]))):
        op = draw(st.sampled_from(["crlf", "cr", "insert", "delete", "line", "line", "dupline"]))
        lines = text.split("\n")
        if op == "crlf":
            text = text.replace("\n", "\r\n")
        elif op == "cr":
            text = text.replace("\n", "\r")
        elif op == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(nasty_text) + text[at:]
        elif op == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            text = text[:start] + text[start + draw(st.integers(1, 200)) :]
        elif op == "line":
            lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(RAW_LINES[kind])))
            text = "\n".join(lines)
        elif op == "dupline":
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            text = "\n".join(lines)
    encoding = draw(st.sampled_from(ENCODINGS))
    if encoding == "utf-8":
        data = text.encode("utf-8", "surrogatepass")
    else:
        data = text.encode(encoding, "replace" if encoding != "utf-8-sig" else "surrogatepass")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        op = draw(st.sampled_from(["truncate", "insert", "flip", "prefix"]))
        if op == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif op == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif op == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif op == "prefix":
            data = draw(st.sampled_from(PREFIXES)) + data
    return data


raw_bytes = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    st.lists(st.sampled_from(NASTY), max_size=8).map(
        lambda parts: ",".join(parts).encode("utf-8", "surrogatepass")
    ),
)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per test module; each example overwrites its file."""
    return tmp_path_factory.mktemp("properties")


# ---------------------------------------------------------------------------------------------
# Mutating tables (CSV files)


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@st.composite
def mutated_table(
    draw: st.DrawFn, header: list[str], rows: list[list[str]], max_rows: int = 10
) -> str:
    """A few of the rows, with cells, columns and rows edited, written out as CSV text."""
    header = list(header)
    picked = draw(
        st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=max_rows, unique=True)
    )
    rows = [list(rows[i]) for i in sorted(picked)]
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2, 2, 3, 5]))):
        op = draw(
            st.sampled_from(
                [
                    *["cell"] * 6,
                    "copy_cell",
                    "copy_cell",
                    "header",
                    "header_dup",
                    "drop_column",
                    "extra_cell",
                    "short_row",
                    "drop_rows",
                    "dup_row",
                    "blank_row",
                    "swap_columns",
                    "case",
                ]
            )
        )
        width = len(header)
        if op in ("cell", "copy_cell", "extra_cell", "short_row", "dup_row") and not rows:
            continue
        if op == "cell":
            row = draw(st.sampled_from(rows))
            if row:
                row[draw(st.integers(0, len(row) - 1))] = draw(nasty_text)
        elif op == "copy_cell":
            row = draw(st.sampled_from(rows))
            if len(row) > 1:
                row[draw(st.integers(0, len(row) - 1))] = row[draw(st.integers(0, len(row) - 1))]
        elif op == "header" and width:
            header[draw(st.integers(0, width - 1))] = draw(nasty_text)
        elif op == "header_dup" and width > 1:
            header[draw(st.integers(0, width - 1))] = header[draw(st.integers(0, width - 1))]
        elif op == "drop_column" and width:
            at = draw(st.integers(0, width - 1))
            header.pop(at)
            for row in rows:
                if at < len(row):
                    row.pop(at)
        elif op == "extra_cell":
            draw(st.sampled_from(rows)).append(draw(nasty_text))
        elif op == "short_row":
            row = draw(st.sampled_from(rows))
            if row:
                row.pop()
        elif op == "drop_rows":
            rows = rows[: draw(st.integers(0, len(rows)))]
        elif op == "dup_row":
            rows.append(list(draw(st.sampled_from(rows))))
        elif op == "blank_row":
            rows.insert(draw(st.integers(0, len(rows))), [""] * width)
        elif op == "swap_columns" and width > 1:
            a, b = draw(st.integers(0, width - 1)), draw(st.integers(0, width - 1))
            header[a], header[b] = header[b], header[a]
        elif op == "case" and width:
            at = draw(st.integers(0, width - 1))
            header[at] = draw(st.sampled_from([str.upper, str.lower, str.title]))(header[at])
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([*[","] * 8, ";", "\t"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def csv_file(header: list[str], rows: list[list[str]], max_rows: int = 10) -> st.SearchStrategy:
    """Structured-but-mutated files (six in eight) and raw text or bytes (two in eight), where
    some raw files keep the right header so the rows get read."""
    structured = mutated_table(header, rows, max_rows).flatmap(lambda t: hostile_bytes(t, "csv"))
    header_then_noise = st.text(max_size=400).map(
        lambda body: (",".join(header) + "\n" + body).encode("utf-8")
    )
    return st.one_of(*[structured] * 6, header_then_noise, raw_bytes)


# ---------------------------------------------------------------------------------------------
# Review and school documents (JSON)

SAMPLE_DOCS = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((SAMPLE / "schools").glob("*.json"))[:3]
    + sorted((SAMPLE / "reviews").glob("*.json"))[:6]
]
#: By name, so a failing example prints a short name rather than a whole framework.
FRAMEWORKS: dict[str, Framework] = {
    "built-in": default_framework(),
    "six themes": load_framework(SAMPLE / "frameworks" / "six_themes.yaml"),
}


def _document_data() -> st.SearchStrategy:
    one = st.sampled_from(SAMPLE_DOCS).flatmap(
        lambda doc: mutated_tree(doc, json_values, nasty_text)
    )
    many = st.lists(one, min_size=0, max_size=3)
    return st.one_of(one, one, one, many, json_values)


def _json_text(data: Any, indent: int | None, ascii_only: bool) -> str:
    return json.dumps(data, indent=indent, ensure_ascii=ascii_only, allow_nan=True)


document_bytes = st.one_of(
    st.builds(_json_text, _document_data(), st.sampled_from([None, 2]), st.booleans()).flatmap(
        lambda text: hostile_bytes(text, "json")
    ),
    st.builds(_json_text, _document_data(), st.just(2), st.just(False)).map(
        lambda text: text.encode("utf-8", "surrogatepass")
    ),
    st.sampled_from(RAW_LINES["json"]).map(lambda line: line.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b'{"kind": "school", "schema_version": ' + b"1" * 5000 + b"}",
            b'{"kind": "review", "schema_version": 1, "x": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}",
            b'{"kind": ["review"], "schema_version": 1}',
            b'{"kind": {"a": 1}, "schema_version": 1}',
            b'{"kind": "school", "schema_version": [1]}',
        ]
    ),
    raw_bytes,
)


def assert_valid_document(document: Any) -> None:
    """A document that loads can be exported and read back as the same document."""
    assert isinstance(document, School | Review)
    assert re.fullmatch(SAFE_ID, document.id)
    text = dump_json(document)
    text.encode("utf-8")  # it can be written to a file
    again = parse_document(json.loads(text), "exported")
    assert again == document


def _edited(document: dict, path: tuple, value: Any) -> dict:
    """A copy of a sample document with one value put in at `path`."""
    copied = copy.deepcopy(document)
    node = copied
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copied


A_SCHOOL = SAMPLE_DOCS[0]
A_REVIEW = next(
    doc
    for doc in SAMPLE_DOCS
    if doc["kind"] == "review"
    and doc["plan"]["priorities"]
    and doc["plan"]["priorities"][0]["kpis"]
)
KPI = ("plan", "priorities", 0, "kpis", 0, "baseline")

#: Inputs that once broke a loader (found by these properties, or while fixing what they found),
#: kept so that every run tries them again.
FOUND_DOCUMENTS = [
    _edited(A_SCHOOL, ("kind",), []),  # TypeError: unhashable type: 'list'
    _edited(A_SCHOOL, ("\r\n",), 1),  # a message on two lines
    _edited(A_REVIEW, KPI, math.nan),  # loads, but exports as NaN, which no JSON reader takes
    _edited(A_REVIEW, ("participants", 0, "name"), "Ann \ud800"),  # cannot be saved as UTF-8
    _edited(A_REVIEW, ("foundations", "duties", "x\ny"), {}),  # a message on two lines
    _edited(A_REVIEW, ("schema_version",), 10**5000),  # ValueError from repr() in the message
]


@_settings(600)
@example(data=FOUND_DOCUMENTS[0], framework="built-in")
@example(data=FOUND_DOCUMENTS[1], framework="built-in")
@example(data=FOUND_DOCUMENTS[2], framework="built-in")
@example(data=FOUND_DOCUMENTS[3], framework="built-in")
@example(data=FOUND_DOCUMENTS[4], framework="six themes")
@example(data=FOUND_DOCUMENTS[5], framework="built-in")
@given(data=_document_data(), framework=st.sampled_from(sorted(FRAMEWORKS)))
def test_parse_document_and_check_review_give_a_document_or_an_input_error(data, framework):
    framework = FRAMEWORKS[framework]
    document = outcome("review.json", parse_document, data, "review.json")
    if document is None:
        return
    assert_valid_document(document)
    if isinstance(document, Review):
        checked = outcome("review.json", check_review, document, framework, "review.json")
        assert checked is None or checked is document


@_settings(500)
@example(data=b"[" * 100_000, framework="built-in")  # RecursionError
@example(data=b'{"kind": "school", "schema_version": 1' + b"0" * 5000 + b"}", framework="built-in")
@example(data=json.dumps(FOUND_DOCUMENTS[2]).encode(), framework="built-in")  # NaN
@example(data=json.dumps(FOUND_DOCUMENTS[3]).encode(), framework="built-in")  # "\ud800"
@given(data=document_bytes, framework=st.sampled_from(sorted(FRAMEWORKS)))
def test_read_documents_gives_documents_or_an_input_error(folder, data, framework):
    framework = FRAMEWORKS[framework]
    path = write(folder, "document.json", data)
    documents = outcome(str(path), read_documents, [path], framework)
    if documents is None:
        return
    assert isinstance(documents, list)
    for document in documents:
        assert_valid_document(document)


@_settings(150)
@given(
    school=st.sampled_from(SAMPLE_DOCS[:1]).flatmap(
        lambda doc: mutated_tree(doc, json_values, nasty_text)
    ),
    review=document_bytes,
)
def test_import_paths_imports_all_or_nothing(school, review):
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        first = write(folder, "a_school.json", _json_text(school, 2, True).encode("utf-8"))
        second = write(folder, "b_review.json", review)
        data_dir = folder / "data"
        with Store(data_dir) as store:
            report = outcome(
                str(folder), import_paths, store, [first, second], FRAMEWORKS["built-in"]
            )
            if report is None:
                assert store.school_ids() == [], "a refused import left something in the store"
                return
            assert isinstance(report, ImportReport)
            for school_id in store.school_ids():
                assert_valid_document(store.school(school_id))


# ---------------------------------------------------------------------------------------------
# Framework YAML

BUILTIN_SECTIONS: dict[str, Any] = {}
for _path in sorted(BUILTIN_DIR.glob("*.yaml")):
    BUILTIN_SECTIONS.update(yaml.safe_load(_path.read_text(encoding="utf-8")))
SIX_THEMES = yaml.safe_load((SAMPLE / "frameworks" / "six_themes.yaml").read_text("utf-8"))


@st.composite
def framework_sections(draw: st.DrawFn) -> Any:
    """A hub's file: some of the built-in sections (or the six-theme sample), mutated."""
    if draw(st.booleans()):
        base = SIX_THEMES
    else:
        names = draw(
            st.lists(st.sampled_from(sorted(BUILTIN_SECTIONS)), min_size=1, max_size=3, unique=True)
        )
        base = {name: BUILTIN_SECTIONS[name] for name in names}
    return draw(mutated_tree(base, yaml_values, yaml_keys))


def _yaml_text(data: Any, unicode: bool, flow: bool | None) -> str:
    return yaml.safe_dump(data, allow_unicode=unicode, default_flow_style=flow, sort_keys=False)


framework_bytes = st.one_of(
    st.builds(
        _yaml_text, framework_sections(), st.booleans(), st.sampled_from([False, None])
    ).flatmap(lambda text: hostile_bytes(text, "yaml")),
    st.builds(_yaml_text, framework_sections(), st.booleans(), st.just(False)).flatmap(
        lambda text: hostile_bytes(text, "yaml")
    ),
    st.lists(st.sampled_from(RAW_LINES["yaml"]), min_size=1, max_size=3).map(
        lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
    ),
    raw_bytes,
)


@_settings(220)
@example(data=b"? [a, b]\n: 1\n")  # TypeError: unhashable type: 'list'
@example(data=b"id: x\x00\n")  # ReaderError, whose text runs over two lines
@example(data=b"benchmarks:\n- number: 1\n  id: g\n  name: A\n")  # blamed the built-in file
@example(data=b"when: 2025-02-30\n")  # ValueError: day is out of range for month
@example(data=b"x: " + b"[" * 3000 + b"]" * 3000)  # RecursionError
@given(data=framework_bytes)
def test_load_framework_gives_a_framework_or_a_framework_error(folder, data):
    path = write(folder, "framework.yaml", data)
    framework = outcome(str(path), load_framework, path)
    if framework is None:
        return
    assert isinstance(framework, Framework)
    assert framework.themes and len(framework.levels) >= 2
    for theme in framework.themes:
        assert set(theme.descriptors) == {level.number for level in framework.levels}


# ---------------------------------------------------------------------------------------------
# The hub's schools CSV

SCHOOLS_HEADER, SCHOOLS_ROWS = read_csv(SAMPLE / "schools.csv")


@_settings(500)
@given(
    data=csv_file([*SCHOOLS_HEADER, "school_name"], [[*r, r[1]] for r in SCHOOLS_ROWS]),
    parameters=st.sampled_from([(), ("school_name", "data_dir")]),
)
@example(data=b'school_id,name\na,"' + b"y" * 140_000 + b'"\n', parameters=())  # csv.Error
@example(data=b'"school\nid",name\na,b\n', parameters=())  # a message on two lines
def test_read_schools_csv_gives_rows_or_an_input_error(folder, data, parameters):
    path = write(folder, "schools.csv", data)
    found = outcome(str(path), read_schools_csv, path, parameters)
    if found is None:
        return
    records, warnings = found
    assert records and isinstance(records, list)
    assert_one_line(warnings, str(path))
    ids = [values["school_id"] for _, values in records]
    assert len(set(ids)) == len(ids)
    for number, values in records:
        assert isinstance(number, int) and number >= 2
        assert re.fullmatch(SAFE_ID, values["school_id"]) and values["name"]
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())


# ---------------------------------------------------------------------------------------------
# Destinations (DfE KS4, KS5 and Explore Education Statistics shapes)

KS4_STEMS = STEMS  # the published column stems, written out once in the destinations tests


def _ks4() -> tuple[list[str], list[list[str]]]:
    """A small KS4 file in the DfE's naming: three schools, their LA and England."""
    header = ["RECTYPE", "LEA", "ESTAB", "URN", "SCHNAME"]
    for group in ("", "_DIS", "_NONDIS"):
        header += [f"COHORT{group}", *(f"{s}{group}" for s in KS4_STEMS)]
        header += [f"{s}PER{group}" for s in KS4_STEMS]
    header += ["COHORT_18", "OVERALL_DESTPER_18", "OVERALL_DESTPER_DIS_18"]
    codes = ["10", "SUPP", "SP", "NA", "x", "", "0", "12"]
    percents = ["50%", "94", "SUPP", "SP", "NE", "0%", "100", "12.5%"]
    places = [
        ("1", "891", "990101"),
        ("2", "891", "990102"),
        ("1", "892", "990103"),
        ("LA", "891", ""),
        ("NAT", "", ""),
    ]
    rows = []
    for index, (rectype, lea, urn) in enumerate(places):
        row = [rectype, lea, str(4000 + index), urn, f"School {index}"]
        for position, column in enumerate(header[5:]):
            pool = percents if "PER" in column else codes
            row.append(pool[(index + position) % len(pool)])
        rows.append(row)
    return header, rows


DESTINATION_BASES = [
    _ks4(),
    read_csv(EVIDENCE / "ks5_destinations_sample.csv"),
    read_csv(EVIDENCE / "ees_destinations_sample.csv"),
]


def assert_valid_destinations(found: DestinationsFile, source: str) -> None:
    assert isinstance(found, DestinationsFile) and found.kind in ("ks4", "ks5", "ees")
    assert_one_line(found.notes, source)
    for urn in found.urns():
        school = found.school(urn)
        assert isinstance(school, SchoolDestinations)
        frame = school.to_frame()
        assert frame.shape[1] == 3
        for measure in (school.cohort, school.sustained, *school.split.values()):
            assert measure.value is None or math.isfinite(measure.value)
            assert isinstance(measure.label, str)
    found.to_frame()


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def _with_cell(base: tuple[list[str], list[list[str]]], row: int, column: str, value: str):
    header, rows = base
    rows = [list(r) for r in rows]
    rows[row][header.index(column)] = value
    return _csv_bytes(header, rows)


KS4, EES = DESTINATION_BASES[0], DESTINATION_BASES[2]


@_settings(600)
@example(data=_csv_bytes(KS4[0], KS4[1][3:]))  # LA and England rows only: KeyError in to_frame
@example(data=_with_cell(KS4, 0, "COHORT", "9" * 5000))  # ValueError: int() of 5000 digits
@example(data=_with_cell(KS4, 0, "APPREN", "²"))  # ValueError: '²'.isdigit() but int() refuses
@example(data=_with_cell(EES, 0, "time_period", "²02223"))  # the same, in a time period
@given(data=st.sampled_from(DESTINATION_BASES).flatmap(lambda base: csv_file(*base, max_rows=12)))
def test_load_destinations_gives_a_file_or_an_input_error(folder, data):
    path = write(folder, "destinations.csv", data)
    found = outcome(str(path), load_destinations, path)
    if found is not None:
        assert_valid_destinations(found, str(path))


LA_NAMES = (
    ["LEA", "LA Name", "REGION", "REGION Name"],
    [
        ["891", "Nottinghamshire", "4", "East Midlands"],
        ["892", "Nottingham", "4", "East Midlands"],
        ["838", "Dorset", "9", "South West"],
    ],
)


@_settings(200)
@given(data=csv_file(*LA_NAMES))
def test_load_la_names_gives_names_or_an_input_error(folder, data):
    path = write(folder, "la_names.csv", data)
    names = outcome(str(path), load_la_names, path)
    if names is None:
        return
    assert isinstance(names, dict)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in names.items())


# ---------------------------------------------------------------------------------------------
# Learner and parent surveys

SURVEY_BASES = [
    ("learner", *read_csv(EVIDENCE / "learner_survey_2026-27.csv")),
    ("learner", *read_csv(EVIDENCE / "learner_survey_2025-26.csv")),
    ("parent", *read_csv(EVIDENCE / "parent_survey_2026-27.csv")),
]


@_settings(500)
@given(
    case=st.sampled_from(SURVEY_BASES).flatmap(
        lambda base: st.tuples(
            st.sampled_from([base[0], base[0], base[0], "parent", "learner"]),
            csv_file(base[1], base[2]),
        )
    )
)
@example(case=("learner", b'learner_id,year_group,academic_year,"a\nb"\nL1,7,2025/26,no\n'))
def test_load_survey_gives_results_or_an_input_error(folder, case):
    kind, data = case
    path = write(folder, "survey.csv", data)
    results = outcome(str(path), load_survey, path, kind)
    if results is None:
        return
    assert isinstance(results, SurveyResults) and results.kind == kind
    assert results.respondents >= 1 and results.items and results.year_groups
    assert_one_line(results.notes, str(path))
    for item in results.items:
        percent = results.percent_positive(item)
        assert percent is None or 0 <= percent <= 100
    assert results.to_frame().shape == (len(results.items), len(results.year_groups) + 1)


# ---------------------------------------------------------------------------------------------
# The encounters log

ENCOUNTERS = read_csv(EVIDENCE / "encounters_2026-27.csv")


@_settings(500)
@example(data=_with_cell(ENCOUNTERS, 0, "pupils", "²"))  # "invalid literal for int()"
@example(data=_with_cell(ENCOUNTERS, 0, "pupils", "9" * 5000))  # "Exceeds the limit (4300..."
@given(data=csv_file(*ENCOUNTERS))
def test_load_encounters_gives_a_log_or_an_input_error(folder, data):
    path = write(folder, "encounters.csv", data)
    log = outcome(str(path), load_encounters, path)
    if log is None:
        return
    assert isinstance(log, EncountersLog) and log.activities
    assert_one_line(log.notes, str(path))
    for year in log.academic_years:
        coverage = log.coverage(year)
        assert coverage.to_frame().shape[0] == len(coverage.year_groups)
        for gap in coverage.gaps:
            assert len(gap.message.splitlines()) == 1
