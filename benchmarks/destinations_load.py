"""How much does checking every cell of the DfE KS4 destinations file cost over just reading it?

Run: .venv/bin/python benchmarks/destinations_load.py [path to england_ks4-pupdest.csv] [runs]
Prints the median of several runs for (a) csv.DictReader reading the whole file with no parsing,
the floor, and (b) load_destinations (decode, detect the shape, parse and check every value
cell) followed by one school's figures beside its LA and England, and their ratio, all in this
one process.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

from careers_review.evidence import load_destinations

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/data/dfe/england_ks4-pupdest.csv"
URN = "137181"


def _floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    elapsed = time.perf_counter() - start
    assert rows
    return elapsed


def _load_and_answer(path: Path) -> float:
    start = time.perf_counter()
    school = load_destinations(path).school(URN)
    elapsed = time.perf_counter() - start
    assert school.sustained.value is not None
    return elapsed


def main(path: Path = DEFAULT, runs: int = 5) -> None:
    if not path.is_file():
        sys.exit(f"{path}: not found (pass the path to england_ks4-pupdest.csv)")
    _floor(path), _load_and_answer(path)  # warm the file cache and imports
    floor = [_floor(path) for _ in range(runs)]
    loads = [_load_and_answer(path) for _ in range(runs)]
    a, b = statistics.median(floor) * 1000, statistics.median(loads) * 1000
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB), runs: {runs}")
    print(f"(a) csv.DictReader, whole file, no parsing: {a:.1f} ms median")
    print(f"(b) load_destinations + school({URN}):    {b:.1f} ms median")
    print(f"ratio b/a: {b / a:.2f}")


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT,
        int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
