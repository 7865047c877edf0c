"""Hub batch throughput: a hand-written loop of CLI calls against `careers-review batch`.

Run: .venv/bin/python benchmarks/batch_throughput.py [N]
On N schools (default 24: the sample hub's schools copied under new ids), in one session:
  (a) a sequential loop, per school, of the `papermill` CLI on the governor report workbook
      and then the `jupyter nbconvert` CLI turning it into HTML with the report template;
  (b) `careers-review batch` over the same schools (processes, one per core, plus the hub
      summary at the end);
  floor: starting and stopping a kernel on an empty notebook (Papermill, in process).
Prints both times, their ratio a/b, the cost per school of each, and the floor.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from careers_review import Store, default_framework, import_paths, parse_document

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _hub(data: Path, count: int) -> list[tuple[str, str]]:
    """`count` schools: the sample schools and their reviews again under new ids."""
    import_paths(data, [ROOT / "sample_data"], default_framework())
    samples = sorted((ROOT / "sample_data" / "schools").glob("*.json"))
    schools = []
    with Store(data) as store:
        for n in range(count):
            school = parse_document(json.loads(samples[n % len(samples)].read_text()))
            new_id = f"{school.id[:40]}-{n:02d}"
            copy = school.model_copy(update={"id": new_id, "name": f"{school.name} ({n:02d})"})
            store.save(copy)
            for review in store.reviews(school.id):
                store.save(
                    review.model_copy(
                        update={
                            "id": f"{new_id}-{review.academic_year.replace('/', '-')}",
                            "school_id": new_id,
                        }
                    )
                )
            schools.append((new_id, copy.name))
    return schools


def main(count: int = 24) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        schools = _hub(data, count)
        listing = tmp / "schools.csv"
        with listing.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["school_id", "name"])
            writer.writerows(schools)

        empty = tmp / "empty.ipynb"
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell("pass")]
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, empty)
        papermill.execute_notebook(str(empty), str(tmp / "warm.ipynb"), progress_bar=False)
        start = time.perf_counter()
        for _ in range(3):
            papermill.execute_notebook(str(empty), str(tmp / "e.ipynb"), progress_bar=False)
        floor = (time.perf_counter() - start) / 3

        workbook = ROOT / "workbooks" / "05_governor_report.ipynb"
        loop_out = tmp / "loop"
        loop_out.mkdir()
        start = time.perf_counter()
        for school_id, _ in schools:
            executed = loop_out / f"{school_id}.ipynb"
            subprocess.run(
                [
                    str(BIN / "papermill"),
                    str(workbook),
                    str(executed),
                    "-p",
                    "school_id",
                    school_id,
                    "-p",
                    "data_dir",
                    str(data),
                    "--cwd",
                    str(workbook.parent),
                    "--no-progress-bar",
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [
                    str(BIN / "jupyter"),
                    "nbconvert",
                    "--to",
                    "html",
                    "--no-input",
                    f"--TemplateExporter.extra_template_basedirs={ROOT / 'templates'}",
                    "--template",
                    "careers_report",
                    str(executed),
                ],
                check=True,
                capture_output=True,
            )
        loop = time.perf_counter() - start

        start = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "careers-review"),
                "batch",
                str(listing),
                "--out",
                str(tmp / "batch"),
                "--data-dir",
                str(data),
                "--quiet",
            ],
            check=True,
            capture_output=True,
        )
        batch = time.perf_counter() - start
        made = len(list((tmp / "batch").glob("*/05_governor_report.html")))

    print(f"schools: {count} (batch wrote {made} reports and the hub summary)")
    print(f"floor: kernel start and stop on an empty notebook: {floor:.2f} s")
    print(f"(a) papermill + nbconvert CLIs, in turn: {loop:.1f} s ({loop / count:.2f} s a school)")
    print(
        f"(b) careers-review batch:                {batch:.1f} s ({batch / count:.2f} s a school)"
    )
    print(f"ratio a/b: {loop / batch:.2f} (target: at least 2.5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 24)
