"""How much does a store save cost over a bare SQLite insert of the same JSON?

Run: .venv/bin/python benchmarks/store_save.py [N]
Prints the median time per save for (a) a plain sqlite3 INSERT + COMMIT in WAL mode with
synchronous=FULL, the floor, and (b) Store.save (validation, revision numbering, append),
and their ratio, all in this one process.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from careers_review import Review, School, Store, ThemeRating, default_framework, dump_json


def _review(n: int) -> Review:
    fw = default_framework()
    ratings = {
        t.id: ThemeRating(level=1 + (n + i) % 4, evidence=f"evidence {n} " * 20)
        for i, t in enumerate(fw.themes)
    }
    return Review(
        id="bench-2025-26",
        school_id="bench",
        academic_year="2025/26",
        review_date="2025-11-01",
        ratings=ratings,
    )


def main(count: int = 300) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = sqlite3.connect(Path(tmp) / "raw.sqlite", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
        floor = []
        for n in range(count):
            text = dump_json(_review(n))
            start = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO t (data) VALUES (?)", (text,))
            raw.execute("COMMIT")
            floor.append(time.perf_counter() - start)
        raw.close()

        store = Store(Path(tmp) / "store")
        store.save(School(id="bench", name="Bench School"))
        saves = []
        for n in range(count):
            review = _review(n)
            start = time.perf_counter()
            store.save(review)
            saves.append(time.perf_counter() - start)
        store.close()

    a, b = statistics.median(floor) * 1000, statistics.median(saves) * 1000
    print(f"saves: {count}")
    print(f"(a) bare sqlite insert+commit: {a:.3f} ms median")
    print(f"(b) Store.save:                {b:.3f} ms median")
    print(f"ratio b/a: {b / a:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
