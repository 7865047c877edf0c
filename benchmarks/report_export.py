"""Time to export one governor report as PDF, against the floor of running any notebook.

Run: .venv/bin/python benchmarks/report_export.py [RUNS]
In one process, on the sample hub in a temporary data directory, prints medians of RUNS
(default 5) for: (a) Papermill on a one-cell notebook (kernel start and stop: the floor),
(b) the report as HTML, (c) the report as PDF (HTML plus WeasyPrint), and the ratios b/a, c/a.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from careers_review import default_framework, import_paths
from careers_review.report import render_report

ROOT = Path(__file__).resolve().parent.parent


def _median(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        import_paths(data, [ROOT / "sample_data"], default_framework())
        empty = Path(tmp) / "empty.ipynb"
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("1 + 1")]
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, empty)
        floor = _median(
            lambda: papermill.execute_notebook(
                str(empty), str(Path(tmp) / "out.ipynb"), progress_bar=False
            ),
            runs,
        )
        review = "oakfield-academy-2026-27"
        html = _median(lambda: render_report(data, review), runs)
        pdf = _median(lambda: render_report(data, review, pdf=True), runs)
    print(f"runs: {runs}")
    print(f"(a) Papermill, one-cell notebook (floor): {floor:.2f} s median")
    print(f"(b) governor report as HTML:              {html:.2f} s median")
    print(f"(c) governor report as PDF:               {pdf:.2f} s median")
    print(f"ratio b/a: {html / floor:.2f}   ratio c/a: {pdf / floor:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
