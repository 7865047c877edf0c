"""The batch tells the truth: --resume reruns exactly what is stale and says why, a killed batch
leaves no worker or kernel behind, Ctrl-C stops in order, and bad options or files get one line.

Real Papermill kernels and real processes throughout; processes are found through /proc.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from careers_review import Store, default_framework, import_paths
from careers_review.batch import UP_TO_DATE, read_schools_csv, run_batch
from careers_review.cli import main
from careers_review.errors import InputError
from careers_review.model import Participant

from .conftest import ROOT, SAMPLE

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")

A, B = "oakfield-academy", "hollybank-academy"
REPORT = "05_governor_report"
STOPPED = re.compile(r"Stopped: (\d+) done, (\d+) not run; --resume goes on")


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def _rows(review_a: str = "", name_b: str = "Hollybank Academy") -> list[list[str]]:
    return [
        ["school_id", "name", "review_id"],
        [A, "Oakfield Academy", review_a],
        [B, name_b, ""],
    ]


def _record(out: Path) -> dict[str, dict]:
    data = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    return {s["school_id"]: s for s in data["schools"]}


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _summary(out: Path) -> str:
    """The hub summary, less the id Papermill gives its injected cell afresh on every run."""
    html = (out / "hub_summary.html").read_text(encoding="utf-8")
    return re.sub(r"cell-id=[0-9a-f-]+", "cell-id=", html)


def _batch(csv_path: Path, out: Path, data: Path, *extra: str) -> int:
    return main(
        ["batch", str(csv_path), "--out", str(out), "--data-dir", str(data), "--quiet", *extra]
    )


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory with the sample hub for the whole module (tests that change data
    change a copy)."""
    folder = tmp_path_factory.mktemp("honest") / "data"
    with Store(folder) as store:
        import_paths(store, [SAMPLE], default_framework())
    return folder


@pytest.fixture(scope="module")
def straight(hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A straight run of two schools: what every resumed round must end as."""
    folder = tmp_path_factory.mktemp("straight")
    path = _write_csv(folder / "schools.csv", _rows())
    assert _batch(path, folder / "out", hub) == 0
    return folder / "out"


def _copy(out: Path, to: Path) -> Path:
    """A round's outputs elsewhere, with their times, as an analyst's folder would be."""
    shutil.copytree(out, to)
    return to


# -- 1. --resume reruns what is stale, says why, and ends like a straight run ---------------


@pytest.mark.slow
def test_resume_reruns_failed_and_changed_schools_and_ends_like_a_straight_run(
    hub, straight, tmp_path, capsys
):
    out = _copy(straight, tmp_path / "round")
    path = tmp_path / "schools.csv"

    # A's row now names a review that does not exist: only A runs again, and fails.
    _write_csv(path, _rows(review_a="no-such-review"))
    assert _batch(path, out, hub, "--resume") == 1
    record = _record(out)
    assert record[A]["status"] == "failed"
    assert record[A]["reason"] == "run again: its row in the schools CSV changed since the last run"
    assert "no-such-review" in record[A]["error"]
    assert (record[B]["status"], record[B]["reason"]) == ("skipped", UP_TO_DATE)
    assert (out / A / f"{REPORT}.failed.ipynb").exists()

    # The row is put back as it was. A's notebook from the straight run matches that row, but
    # its last run failed: it runs again (it used to be called "already up to date").
    _write_csv(path, _rows())
    capsys.readouterr()
    assert _batch(path, out, hub, "--resume") == 0
    assert "1 done, 1 already up to date, 0 failed" in capsys.readouterr().out
    record = _record(out)
    assert (record[A]["status"], record[A]["reason"]) == ("done", "run again: the last run failed")
    assert (record[B]["status"], record[B]["reason"]) == ("skipped", UP_TO_DATE)
    assert record[A]["fingerprint"] == _record(straight)[A]["fingerprint"]
    assert set(record[A]["fingerprint"]) >= {"csv_row", "workbooks", "framework", "data"}
    assert _files(out) == _files(straight)
    assert _summary(out) == _summary(straight)

    # B's row changes (its name): only B runs again.
    _write_csv(path, _rows(name_b="Hollybank Academy Trust"))
    assert _batch(path, out, hub, "--resume") == 0
    record = _record(out)
    assert (record[A]["status"], record[A]["reason"]) == ("skipped", UP_TO_DATE)
    assert record[B]["status"] == "done"
    assert record[B]["reason"] == "run again: its row in the schools CSV changed since the last run"


@pytest.mark.slow
def test_resume_reruns_when_data_framework_or_workbooks_change(hub, straight, tmp_path):
    only_a = _write_csv(tmp_path / "a.csv", _rows()[:2])
    both = _write_csv(tmp_path / "both.csv", _rows())
    data = tmp_path / "data"
    shutil.copytree(hub, data)

    def resume(out: Path, path: Path, **options: object) -> dict[str, tuple[str, str]]:
        report = run_batch(path, out, resume=True, progress=False, summary=False, **options)
        return {r.school_id: (r.status, r.reason) for r in report.results}

    # B's review gains a participant: B's data changed, A's did not.
    with Store(data) as store:
        review = store.latest_review(B)
        review.participants = [
            *review.participants,
            Participant(name="New Governor", role="link_governor"),
        ]
        store.save(review)
    assert resume(_copy(straight, tmp_path / "data-changed"), both, data_dir=data) == {
        A: ("skipped", UP_TO_DATE),
        B: ("done", "run again: its data changed since the last run"),
    }

    # Another framework (the built-in one under a new version).
    framework = default_framework().model_dump(mode="json")
    framework["version"] += "-hub"
    framework_file = tmp_path / "framework.yaml"
    framework_file.write_text(yaml.safe_dump(framework, allow_unicode=True), encoding="utf-8")
    out = _copy(straight, tmp_path / "framework-changed")
    assert resume(out, only_a, data_dir=hub, framework=framework_file) == {
        A: ("done", "run again: the framework changed since the last run"),
    }
    # ... and resumed again with the same framework, nothing is left to do.
    assert resume(out, only_a, data_dir=hub, framework=framework_file) == {
        A: ("skipped", UP_TO_DATE),
    }

    # One more workbook in the list.
    out = _copy(straight, tmp_path / "workbooks-changed")
    got = resume(out, only_a, data_dir=hub, workbooks=[REPORT, "00_start_here"])
    assert got == {
        A: (
            "done",
            "run again: the workbooks, the report template or careers-review changed "
            "since the last run",
        )
    }
    assert (out / A / "00_start_here.html").exists()


# -- 2 and 3. killed, or stopped with Ctrl-C, the batch leaves nothing behind ----------------


def _eight(tmp_path: Path) -> Path:
    rows = list(csv.reader((SAMPLE / "schools.csv").read_text(encoding="utf-8").splitlines()))
    return _write_csv(tmp_path / "eight.csv", rows[:9])


def _start(csv_path: Path, out: Path, data: Path, tag: str) -> subprocess.Popen:
    """The batch as a terminal runs it: a session of its own, whose processes carry `tag` in
    their environment (kernels too), so every one can be found after it is gone."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "careers_review",
            "batch",
            str(csv_path),
            "--out",
            str(out),
            "--data-dir",
            str(data),
            "--workers",
            "2",
            "--quiet",
        ],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CAREERS_BATCH_TEST_TAG": tag},
    )


def _tagged(tag: str) -> dict[int, str]:
    """Every live process carrying the tag, with its command line."""
    marker = f"CAREERS_BATCH_TEST_TAG={tag}".encode()
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in environ.split(b"\0") and state != b"Z":
            found[int(entry)] = command.decode(errors="replace")
    return found


def _in_group(pgid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(stat[2]) == pgid and stat[0] != b"Z":
                found.append(int(entry))
    return found


def _wait_until(check: Callable[[], bool], process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if process.poll() is not None:
            raise AssertionError(f"the batch ended early: {process.communicate()}")
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            raise AssertionError(f"not reached in {seconds} s")
        time.sleep(0.05)


def _statuses(out: Path) -> list[str]:
    try:
        return [s["status"] for s in _record(out).values()]
    except (OSError, ValueError, KeyError):
        return []


def _clean_up(tag: str) -> None:
    """Whatever a failing test left running goes, so it cannot slow the tests after it."""
    for pid in _tagged(tag):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_kill_9_leaves_no_worker_or_kernel_running(hub, tmp_path):
    tag = uuid.uuid4().hex
    out = tmp_path / "out"
    process = _start(_eight(tmp_path), out, hub, tag)
    try:
        _wait_until(
            lambda: (
                "running" in _statuses(out) and any("ipykernel" in c for c in _tagged(tag).values())
            ),
            process,
            120,
        )
        before = _tagged(tag)
        workers = [c for c in before.values() if "multiprocessing.spawn" in c]
        kernels = [c for c in before.values() if "ipykernel" in c]
        assert len(workers) == 2 and kernels, before
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        time.sleep(5)
        assert _tagged(tag) == {}, "left running 5 s after the batch was killed"
        assert _in_group(process.pid) == []
    finally:
        _clean_up(tag)
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.mark.slow
def test_ctrl_c_stops_within_5_s_and_records_every_school(hub, tmp_path):
    tag = uuid.uuid4().hex
    out = tmp_path / "out"
    process = _start(_eight(tmp_path), out, hub, tag)
    try:
        _wait_until(lambda: "done" in _statuses(out), process, 120)
        os.killpg(process.pid, signal.SIGINT)  # as the terminal sends Ctrl-C
        asked = time.monotonic()
        _, err = process.communicate(timeout=30)
        took = time.monotonic() - asked
    finally:
        _clean_up(tag)
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert took <= 5, f"took {took:.1f} s to stop"
    assert process.returncode == 130
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and STOPPED.fullmatch(lines[0]), err
    done, not_run = map(int, STOPPED.fullmatch(lines[0]).groups())
    record = _record(out)
    statuses = [s["status"] for s in record.values()]
    assert len(statuses) == 8 and set(statuses) <= {"done", "stopped", "not run"}, statuses
    assert statuses.count("done") == done >= 1
    assert statuses.count("stopped") + statuses.count("not run") == not_run == 8 - done
    for school, entry in record.items():
        whole = (out / school / f"{REPORT}.html").exists()
        assert whole == (entry["status"] == "done"), school
        assert entry["reason"], school
    assert _tagged(tag) == {}, "a worker or kernel outlived the stopped batch"


# -- 4 to 6. bad options and files: one line, exit 2, nothing written ------------------------


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


@pytest.mark.parametrize("workers", ["0", "-3"])
def test_workers_must_be_one_or_more(hub, tmp_path, capsys, workers):
    path = _write_csv(tmp_path / "s.csv", _rows())
    out = tmp_path / "out"
    assert _batch(path, out, hub, "--workers", workers) == 2
    assert _one_error(capsys) == (
        f"careers-review batch: error: --workers {workers}: must be 1 or more (schools run at once)"
    )
    assert not out.exists()


def test_out_that_is_a_file_or_under_one_is_refused(hub, tmp_path, capsys):
    path = _write_csv(tmp_path / "s.csv", _rows())
    afile = tmp_path / "round.txt"
    afile.write_text("keep me", encoding="utf-8")
    before = _files(tmp_path)
    assert _batch(path, afile, hub) == 2
    line = _one_error(capsys)
    assert line == (
        f"careers-review batch: error: --out {afile}: this is a file, not a folder (give a folder)"
    )
    assert _batch(path, afile / "sub" / "dir", hub) == 2
    assert _one_error(capsys) == (
        f"careers-review batch: error: --out {afile / 'sub' / 'dir'}: {afile} is a file, "
        "so no folder can be made inside it"
    )
    assert afile.read_text(encoding="utf-8") == "keep me" and _files(tmp_path) == before


UNCLOSED = 'a quote (") opens a cell that is never closed'


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (f'school_id,name\n{B},Hollybank Academy\n{A},"Oakfield\n', "row 3 (line 3)"),
        # The quote swallows every row after it: Python's reader returns them as one cell.
        (f'school_id,name\n{A},"Oakfield\n{B},Hollybank Academy\n', "row 2 (line 2)"),
        (f'school_id,name\r\n{B},"Holly\r\nbank"\r\n{A},"Oak""field', "row 3 (line 4)"),
    ],
)
def test_unterminated_quote_names_the_file_and_row(hub, tmp_path, capsys, text, where):
    path = tmp_path / "schools.csv"
    path.write_bytes(text.encode("utf-8"))
    out = tmp_path / "out"
    assert _batch(path, out, hub) == 2
    line = _one_error(capsys)
    assert line.startswith(f"careers-review batch: error: {path}: {where}: {UNCLOSED}"), line
    assert not out.exists()
    with pytest.raises(InputError, match=re.escape(f"{where}: {UNCLOSED}")):
        read_schools_csv(path)


def test_closed_quotes_and_line_breaks_in_cells_still_read(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(
        f'school_id,name\r\n{B},"Holly ""bank"""\r\n{A},"Oakfield\r\nAcademy"'.encode()
    )
    rows, _ = read_schools_csv(path)
    assert [v["name"] for _, v in rows] == ['Holly "bank"', "Oakfield\r\nAcademy"]
