"""Hub batches with real kernels: failures contained, resume after a kill, a Dask cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from careers_review import Store
from careers_review.batch import SchoolsFileError, read_schools_csv, run_batch
from careers_review.cli import main
from careers_review.model import Participant

from . import factories
from .conftest import ROOT

SCHOOLS = ["oakfield-academy", "st-peters-catholic-high-school", "hollybank-academy"]


def _csv(tmp_path: Path, rows: list[list[str]], name: str = "schools.csv", **options) -> Path:
    import csv

    path = tmp_path / name
    with path.open("w", newline="", encoding=options.get("encoding", "utf-8")) as handle:
        writer = csv.writer(handle, lineterminator=options.get("newline", "\n"))
        writer.writerows(rows)
    return path


def _names(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _complete(out: Path, killed: bool = False) -> None:
    """Every notebook and report under the output folder is whole. A kill may leave a hidden
    .part file (never a .ipynb or .html); the next run clears them."""
    parts = list(out.rglob("*.part"))
    assert all(p.name.startswith(".") for p in parts) if killed else not parts
    for notebook in out.rglob("*.ipynb"):
        nbformat.read(notebook, as_version=4)
    for report in out.rglob("*.html"):
        assert report.read_text(encoding="utf-8").rstrip().endswith("</html>"), report


# -- the schools file, checked before anything runs ----------------------------------------


def test_excel_saved_csv_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "\ufeffschool_id,name,academic_year\r\n"
        'st-peters,"St Peter\'s Catholic High School, Derby",2026/27\r\n'
        "cecile,Dame Cécile Harwood Academy,\r\n".encode()
    )
    rows, warnings = read_schools_csv(path, {"academic_year", "school_id"})
    assert [values["name"] for _, values in rows] == [
        "St Peter's Catholic High School, Derby",
        "Dame Cécile Harwood Academy",
    ]
    assert rows[0][1]["academic_year"] == "2026/27" and warnings == []


RULE = "(use letters, digits, '-' and '_')"


def test_every_problem_is_reported_by_row(tmp_path, capsys):
    path = _csv(
        tmp_path,
        [
            ["school_id", "name", "colour"],
            ["oakfield-academy", "Oakfield Academy", "blue"],
            ["", "No Id School", ""],
            ["../escape", "Escaping School", ""],
            ["a/b", "Slashed School", ""],
            ["oakfield-academy", "Oakfield Again", ""],
            ["holmewold-academy", "", ""],
        ],
    )
    with pytest.raises(SchoolsFileError) as caught:
        read_schools_csv(path)
    problems = caught.value.problems
    assert problems == [
        f"{path}: row 3: school_id: missing",
        f"{path}: row 4: school_id: '../escape' cannot be a folder name {RULE}",
        f"{path}: row 5: school_id: 'a/b' cannot be a folder name {RULE}",
        f"{path}: row 6: school_id: 'oakfield-academy' is also on row 2",
        f"{path}: row 7: name: missing",
    ]
    out = tmp_path / "out"
    assert main(["batch", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("careers-review batch: error:") == 5
    assert not out.exists() or not any(p.is_dir() for p in out.iterdir())


def test_unknown_columns_warn_and_empty_files_fail(tmp_path):
    path = _csv(tmp_path, [["school_id", "name", "notes"], ["a", "A School", "x"]])
    _, warnings = read_schools_csv(path)
    assert warnings == [
        f"{path}: column 'notes' is not a parameter of the chosen workbooks: ignored"
    ]
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(Exception, match="empty file"):
        read_schools_csv(empty)
    header = _csv(tmp_path, [["school_id", "name"]], name="header.csv")
    with pytest.raises(Exception, match="no schools listed"):
        read_schools_csv(header)
    wrong = _csv(tmp_path, [["id_number", "school"]], name="wrong.csv")
    with pytest.raises(Exception, match="row 1: missing column school_id, name"):
        read_schools_csv(wrong)


def test_unknown_school_is_refused_before_running(tmp_path, data_dir, capsys):
    path = _csv(tmp_path, [["school_id", "name"], ["nowhere-school", "Nowhere School"]])
    assert (
        main(
            [
                "batch",
                str(path),
                "--out",
                str(tmp_path / "o"),
                "--data-dir",
                str(data_dir),
                "--quiet",
            ]
        )
        == 2
    )
    assert "row 2: school_id: unknown school 'nowhere-school'" in capsys.readouterr().err


# -- real runs -----------------------------------------------------------------------------

pytest_slow = pytest.mark.slow


@pytest_slow
def test_batch_with_one_failing_school(tmp_path, data_dir, capsys):
    with Store(data_dir) as store:  # a school with no review: its report cannot be made
        store.save(factories.school("no-review-school", name="No Review School"))
    rows = [
        ["school_id", "name"],
        *[[s, s] for s in SCHOOLS],
        ["no-review-school", "No Review School"],
    ]
    path = _csv(tmp_path, rows, newline="\r\n")
    out = tmp_path / "out"
    code = main(
        [
            "batch",
            str(path),
            "--out",
            str(out),
            "--data-dir",
            str(data_dir),
            "--workers",
            "2",
            "--quiet",
        ]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "4 schools" in printed and "3 done" in printed and "1 failed" in printed
    assert "no-review-school  05_governor_report cell" in printed
    assert "no review has been recorded yet" in printed
    record = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    status = {s["school_id"]: s for s in record["schools"]}
    assert {k: v["status"] for k, v in status.items()} == {
        **{s: "done" for s in SCHOOLS},
        "no-review-school": "failed",
    }
    assert all(status[s]["seconds"] > 0 and len(status[s]["outputs"]) == 2 for s in SCHOOLS)
    for school in SCHOOLS:
        html = (out / school / "05_governor_report.html").read_text(encoding="utf-8")
        with Store(data_dir) as store:
            assert (
                store.school(school).name.replace("'", "&#x27;") in html
                or store.school(school).name in html
            )
        assert "cr-roadmap" not in html  # the served page's roadmap is not part of a report
    assert not (out / "no-review-school" / "05_governor_report.html").exists()
    summary = (out / "hub_summary.html").read_text(encoding="utf-8")
    assert "Hub summary" in summary and "no-review-school" in summary
    _complete(out)


@pytest_slow
def test_resume_after_a_kill_ends_like_a_straight_run(tmp_path, data_dir):
    rows = [["school_id", "name"], *[[s, s] for s in SCHOOLS]]
    path = _csv(tmp_path, rows)
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "careers_review",
        "batch",
        str(path),
        "--out",
        str(out),
        "--data-dir",
        str(data_dir),
        "--workers",
        "1",
        "--quiet",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob("*/05_governor_report.html")):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = list(out.glob("*/05_governor_report.html"))
    assert 1 <= len(finished) < len(SCHOOLS), "the kill should land part-way through"
    _complete(out, killed=True)

    first = {p: p.stat().st_mtime for p in finished}
    assert (
        main(
            [
                "batch",
                str(path),
                "--out",
                str(out),
                "--data-dir",
                str(data_dir),
                "--resume",
                "--quiet",
            ]
        )
        == 0
    )
    record = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    statuses = sorted(s["status"] for s in record["schools"])
    assert statuses.count("skipped") == len(finished) and statuses.count("done") == len(
        SCHOOLS
    ) - len(finished)
    assert all(p.stat().st_mtime == t for p, t in first.items())  # not redone

    straight = tmp_path / "straight"
    assert (
        main(["batch", str(path), "--out", str(straight), "--data-dir", str(data_dir), "--quiet"])
        == 0
    )
    assert _names(out) == _names(straight)
    _complete(out)

    # A change to one school's review makes only that school stale.
    with Store(data_dir) as store:
        review = store.latest_review(SCHOOLS[0])
        review.participants = [
            *review.participants,
            Participant(name="New Governor", role="link_governor"),
        ]
        store.save(review)
    report = run_batch(path, out, data_dir=data_dir, resume=True, progress=False, summary=False)
    assert {r.school_id: r.status for r in report.results} == {
        SCHOOLS[0]: "done",
        SCHOOLS[1]: "skipped",
        SCHOOLS[2]: "skipped",
    }


@pytest_slow
def test_batch_on_a_dask_local_cluster(tmp_path, data_dir):
    from dask.distributed import LocalCluster

    path = _csv(tmp_path, [["school_id", "name"], *[[s, s] for s in SCHOOLS[:2]]])
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        report = run_batch(
            path,
            tmp_path / "dask",
            data_dir=data_dir,
            scheduler=cluster.scheduler_address,
            progress=False,
            summary=False,
        )
    assert [r.status for r in report.results] == ["done", "done"]
    assert (tmp_path / "dask" / SCHOOLS[1] / "05_governor_report.html").exists()


def test_unreachable_scheduler_is_a_usage_error(tmp_path, data_dir, capsys):
    path = _csv(tmp_path, [["school_id", "name"], [SCHOOLS[0], "x"]])
    code = main(
        [
            "batch",
            str(path),
            "--out",
            str(tmp_path / "o"),
            "--data-dir",
            str(data_dir),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--quiet",
        ]
    )
    assert code == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
