"""Reading only the lines of a large CSV file that matter, without holding the file in memory.

A school asks a national file of a million rows for its own few dozen. The file is scanned as
bytes, a block at a time; only the header and the lines holding one of the wanted values as a
whole cell are decoded and parsed, so the cost is one pass over the bytes. Row numbers are
those of the file, and the error policy is `read_table`'s. Where a quoted value runs over a
line end (a line holds an odd number of `"`), lines are not records, so the file is read whole
by `read_table` instead: correct, only slower.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import InputError
from ._csv import FALLBACK_ENCODING, Table, _check_header, _decode, read_table

__all__ = ["read_table_filtered"]

#: How much of the file is looked at at once.
BLOCK = 16 * 1024 * 1024
#: Bytes that may stand beside a wanted value for it to be a whole cell.
_EDGES = frozenset(b",\r\n \t")
#: Every byte but the quote and the line feed: deleting them leaves each line's quotes.
_NOT_QUOTE_OR_LF = bytes(b for b in range(256) if b not in (0x22, 0x0A))
_BLANK_BYTES = b' \t\r\n,"'


class _Fallback(Exception):
    """Lines are not records in this file: read it whole."""


@dataclass
class _Scan:
    header: bytes | None = None
    #: (line number, the line's bytes with its line end), in file order.
    kept: list[tuple[int, bytes]] = field(default_factory=list)
    #: Whether any line after the header holds a value.
    has_rows: bool = False


def read_table_filtered(path: str | os.PathLike[str], *, what: str, keep: Sequence[str]) -> Table:
    """The header and the rows with a cell equal to one of `keep` (spaces around a cell
    ignored), numbered as in the file (the header is row 1). An empty or header-only file is
    refused as `read_table` refuses it; a file with rows but none that match gives a Table
    with no rows, so the caller can say which value it did not find."""
    source = os.fspath(path)
    wanted = frozenset(value.strip() for value in keep if value.strip())
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the error handling
    except FileNotFoundError:
        raise InputError(f"{source}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{source}: this is a folder, not a {what} CSV file") from None
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{source}: cannot read ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    try:
        with handle:
            scan = _scan(handle, _needles(wanted))
        return _table(source, what, scan, wanted)
    except _Fallback:
        return _filtered(read_table(path, what=what), wanted)


def _needles(wanted: frozenset[str]) -> tuple[bytes, ...]:
    found: dict[bytes, None] = {}
    for value in wanted:
        for encoding in ("utf-8", FALLBACK_ENCODING):
            try:
                found[value.encode(encoding)] = None
            except UnicodeEncodeError:
                continue
    return tuple(found)


def _blocks(handle: BinaryIO) -> Iterator[bytes]:
    """The file in blocks that each end at a line end (the last one perhaps not)."""
    carry = b""
    while True:
        block = handle.read(BLOCK)
        if not block:
            if carry:
                yield carry
            return
        data = carry + block if carry else block
        end = data.rfind(b"\n") + 1
        if end == 0:
            carry = data
            continue
        carry = data[end:]
        yield data[:end] if carry else data


def _scan(handle: BinaryIO, needles: tuple[bytes, ...]) -> _Scan:
    scan = _Scan()
    lines_before = 0  # complete lines in the blocks already scanned
    for block in _blocks(handle):
        if b'"' in block and b'"' in block.translate(None, _NOT_QUOTE_OR_LF).replace(b'""', b""):
            raise _Fallback
        start = 0
        if scan.header is None:
            end = block.find(b"\n") + 1 or len(block)
            scan.header, start = block[:end], end
        if not scan.has_rows:
            scan.has_rows = bool(block[start:].translate(None, _BLANK_BYTES))
        scan.kept.extend(_matches(block, start, needles, lines_before))
        lines_before += block.count(b"\n")
    return scan


def _matches(
    block: bytes, start: int, needles: tuple[bytes, ...], lines_before: int
) -> list[tuple[int, bytes]]:
    """The lines of `block` (from `start`) where a needle stands as a whole cell."""
    starts: set[int] = set()
    for needle in needles:
        at = block.find(needle, start)
        while at != -1:
            after = at + len(needle)
            if _edge_before(block, at) and _edge_after(block, after):
                starts.add(block.rfind(b"\n", 0, at) + 1)
            at = block.find(needle, after)
    found = []
    counted, line = 0, lines_before
    for begin in sorted(starts):
        line += block.count(b"\n", counted, begin)
        counted = begin
        end = block.find(b"\n", begin) + 1 or len(block)
        found.append((line + 1, block[begin:end]))
    return found


def _edge_before(block: bytes, at: int) -> bool:
    if at == 0:
        return True
    byte = block[at - 1]
    if byte == 0x22:  # a quote: what stands before it decides
        return at == 1 or block[at - 2] in _EDGES
    return byte in _EDGES


def _edge_after(block: bytes, after: int) -> bool:
    if after >= len(block):
        return True
    byte = block[after]
    if byte == 0x22:
        return after + 1 >= len(block) or block[after + 1] in _EDGES
    return byte in _EDGES


def _table(source: str, what: str, scan: _Scan, wanted: frozenset[str]) -> Table:
    header_bytes = scan.header or b""
    pieces = [header_bytes, *(line for _, line in scan.kept)]
    raw = b"".join(pieces)
    if not raw.strip() and not scan.has_rows:
        raise InputError(f"{source}: the file is empty (a {what} starts with a header row)")
    _, encoding, notes = _decode(raw, source)  # refuses UTF-16 and workbooks, as read_table
    if notes:
        notes = _note_at_real_line(notes, pieces, [1, *(n for n, _ in scan.kept)])
    texts = [_text(piece, encoding, first=index == 0) for index, piece in enumerate(pieces)]
    try:
        records = list(csv.reader(io.StringIO("".join(texts), newline="")))
    except csv.Error:
        raise _Fallback from None
    if len(records) != len(pieces):
        raise _Fallback  # a line end inside a line (a lone carriage return): not one record each
    first = records[0]
    if not any(cell.strip() for cell in first):
        raise InputError(f"{source}: row 1: the header row is blank")
    header = tuple(cell.strip() for cell in first)
    _check_header(source, header)
    if not scan.has_rows:
        raise InputError(f"{source}: no rows after the header (nothing to read in this {what})")
    rows: list[tuple[int, tuple[str, ...]]] = []
    for (number, _), record in zip(scan.kept, records[1:], strict=True):
        if not any(cell.strip() in wanted for cell in record):
            continue  # the value was inside a longer quoted cell
        if len(record) != len(header):
            raise InputError(
                f"{source}: row {number}: has {len(record)} values but the header has "
                f"{len(header)} columns (check for a stray comma or a missing quote)"
            )
        rows.append((number, tuple(record)))
    return Table(source, header, tuple(rows), encoding, notes)


def _text(piece: bytes, encoding: str, *, first: bool) -> str:
    if encoding == "utf-8":
        return piece.decode("utf-8-sig" if first else "utf-8")
    text = piece.decode(FALLBACK_ENCODING)
    return text.removeprefix("\u00ef\u00bb\u00bf") if first else text


def _note_at_real_line(
    notes: tuple[str, ...], pieces: list[bytes], numbers: list[int]
) -> tuple[str, ...]:
    """`_decode` counts lines in the bytes it was given; say the file's line instead."""
    for index, piece in enumerate(pieces):
        try:
            piece.decode("utf-8-sig" if index == 0 else "utf-8")
        except UnicodeDecodeError:
            given, real = f"(first at line {index + 1})", f"(first at line {numbers[index]})"
            return tuple(note.replace(given, real, 1) for note in notes)
    return notes


def _filtered(table: Table, wanted: frozenset[str]) -> Table:
    rows = tuple(
        (number, values)
        for number, values in table.rows
        if any(cell.strip() in wanted for cell in values)
    )
    return Table(table.source, table.header, rows, table.encoding, table.notes)
