"""Hub batches: the chosen workbooks for every school in a CSV, run with Papermill on local
processes or a Dask cluster, each school's outputs written whole or not at all.

A school that fails is recorded and the others go on. `batch.json` is rewritten whenever a
school starts or ends and says, for every school, what happened and why. Each school's inputs
(its CSV row, the workbooks, the framework, its data) are fingerprinted, and the fingerprint is
kept in its output notebooks, so `--resume` runs again exactly the schools whose inputs changed
or whose last run failed or did not finish: a stopped batch ends as if it had run straight
through (see `fingerprint`).

Local workers watch the batch process: killed, they take their kernels with them. Ctrl-C (or
SIGTERM) stops the workers and their kernels in order and leaves a true `batch.json` (see
`workers`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .copies import workbook_folder
from .errors import InputError
from .execute import workbook_parameters
from .files import atomic_write_bytes, atomic_write_text
from .fingerprint import (
    UP_TO_DATE,
    digest,
    digest_data,
    digest_workbooks,
    previous_record,
    school_fingerprint,
    why_run,
)
from .jobs import SchoolJob, SchoolResult, run_school
from .model import SAFE_ID
from .resources import find_templates, find_workbooks
from .schools import SchoolsFileError, read_schools_csv
from .workers import DaskWorkers, LocalWorkers, Stopper, run_jobs

__all__ = [
    "BATCH_FILE",
    "UP_TO_DATE",
    "BatchReport",
    "BatchStopped",
    "SchoolJob",
    "SchoolResult",
    "SchoolsFileError",
    "read_schools_csv",
    "run_batch",
    "run_school",
]

DEFAULT_WORKBOOKS = ("05_governor_report",)
HUB_SUMMARY = "hub_summary"
BATCH_FILE = "batch.json"


@dataclass
class BatchReport:
    out_dir: Path
    results: list[SchoolResult]
    warnings: list[str]
    summary: Path | None
    seconds: float

    @property
    def failed(self) -> list[SchoolResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class BatchStopped(KeyboardInterrupt):
    """The batch was stopped by Ctrl-C or SIGTERM. What finished is kept and `batch.json` says
    so; a KeyboardInterrupt, so code that catches every Exception does not swallow it."""

    def __init__(self, report: BatchReport, signum: int, during_summary: bool = False) -> None:
        super().__init__(signum)
        self.report = report
        self.signum = signum
        self.during_summary = during_summary

    @property
    def exit_code(self) -> int:
        """128 plus the signal's number, as shells report a command a signal ended (130)."""
        return 128 + self.signum

    @property
    def message(self) -> str:
        statuses = [r.status for r in self.report.results]
        done = statuses.count("done") + statuses.count("skipped")
        failed = statuses.count("failed")
        parts = [f"{done} done"]
        if failed:
            parts.append(f"{failed} failed")
        parts.append(f"{statuses.count('stopped') + statuses.count('not run')} not run")
        if self.during_summary:
            parts.append("hub summary not made")
        return f"Stopped: {', '.join(parts)}; --resume goes on"


# -- the batch -----------------------------------------------------------------------------


def _remove_partial_files(out_dir: Path) -> None:
    """A batch killed mid-write leaves hidden .part files: never a notebook that looks whole."""
    for part in out_dir.rglob(".*.part"):
        part.unlink(missing_ok=True)


def _output_folder(out_dir: str | os.PathLike[str]) -> Path:
    """The --out folder, refused while nothing is written yet when it cannot be one."""
    out = Path(out_dir).expanduser().resolve()
    if out.exists():
        if not out.is_dir():
            raise InputError(f"--out {out_dir}: this is a file, not a folder (give a folder)")
        return out
    parent = out.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"--out {out_dir}: {parent} is a file, so no folder can be made inside it")
    return out


def _write_record(out_dir: Path, results: dict[str, SchoolResult], started: str) -> None:
    record = {
        "started": started,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "schools": [asdict(r) for r in results.values()],
    }
    atomic_write_text(out_dir / BATCH_FILE, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


_SIGNAL_NAMES: dict[int, str] = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


def run_batch(
    schools_csv: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    framework: str | os.PathLike[str] | None = None,
    workbooks: Iterable[str] = DEFAULT_WORKBOOKS,
    workbooks_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    summary: bool = True,
    on_result: Callable[[SchoolResult], None] | None = None,
) -> BatchReport:
    """Run the workbooks for every school in the CSV, then the hub summary over the results.

    The workbooks come from `workbooks_dir` when given, else from the data directory's own copy
    when it has one (see `copies.workbook_folder`), else from the package. Everything given is
    checked before anything is written. Raises BatchStopped (after recording every school
    truly) when Ctrl-C or SIGTERM stops it."""
    from .store import Store, resolve_data_dir
    from .workspace import framework_in_use

    start = time.perf_counter()
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: must be 1 or more (schools run at once)")
    out = _output_folder(out_dir)
    data = resolve_data_dir(data_dir)
    folder = Path(workbooks_dir).expanduser().resolve() if workbooks_dir else workbook_folder(data)
    templates = find_templates()
    names = tuple(dict.fromkeys(w.removesuffix(".ipynb") for w in workbooks))
    # A workbook name becomes an output file name: only plain names from the workbooks folder.
    missing = [
        n for n in names if not re.fullmatch(SAFE_ID, n) or not (folder / f"{n}.ipynb").is_file()
    ]
    if missing:
        available = sorted(p.stem for p in folder.glob("*.ipynb"))
        raise InputError(
            f"--workbook {missing[0]}: no such workbook (available: {', '.join(available)})"
        )
    parameters: set[str] = set()
    for name in names:
        parameters |= workbook_parameters(folder / f"{name}.ipynb")
    records, warnings = read_schools_csv(schools_csv, parameters)
    # A broken framework file stops the batch before it starts.
    in_use = framework_in_use(data, framework).model_dump(mode="json")
    framework_digest = digest(json.dumps(in_use, sort_keys=True, ensure_ascii=False))
    workbooks_digest = digest_workbooks(folder, names, templates)
    jobs: list[SchoolJob] = []
    changed: dict[str, float] = {}
    with Store(data, create=False, read_only=True) as store:  # a batch never writes it
        known = set(store.school_ids())
        unknown = [(n, v["school_id"]) for n, v in records if v["school_id"] not in known]
        if unknown:
            raise SchoolsFileError(
                [
                    f"{schools_csv}: row {number}: school_id: unknown school {school_id!r} "
                    f"(not in {data})"
                    for number, school_id in unknown
                ]
            )
        for number, values in records:
            school_id = values["school_id"]
            data_digest, changed[school_id] = digest_data(store, data, school_id)
            jobs.append(
                SchoolJob(
                    school_id=school_id,
                    name=values["name"],
                    row=number,
                    parameters={k: v for k, v in values.items() if k in parameters and v},
                    workbooks=names,
                    workbooks_dir=str(folder),
                    templates_dir=str(templates),
                    out_dir=str(out),
                    data_dir=str(data),
                    framework=str(Path(framework).resolve()) if framework else "",
                    fingerprint=school_fingerprint(
                        values, workbooks_digest, framework_digest, data_digest, changed[school_id]
                    ),
                )
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out {out_dir}: cannot make this folder ({exc.strerror})") from None
    _remove_partial_files(out)
    previous: dict[str, dict] = {}
    if resume:
        previous, problem = previous_record(out / BATCH_FILE)
        warnings += [problem] if problem else []
    results: dict[str, SchoolResult] = {}
    todo = []
    for job in jobs:
        why = (
            why_run(job, previous.get(job.school_id), changed[job.school_id])
            if resume
            else "run: every school runs without --resume"
        )
        status = "pending" if why else "skipped"
        outputs = (
            [] if why else [f"{job.school_id}/{w}.{x}" for w in names for x in ("ipynb", "html")]
        )
        results[job.school_id] = SchoolResult(
            job.school_id,
            job.name,
            status,
            outputs=outputs,
            reason=why or UP_TO_DATE,
            fingerprint=dict(job.fingerprint),
        )
        if why:
            todo.append(job)
    count = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    runners: list[LocalWorkers | DaskWorkers] = []
    local: LocalWorkers | None = None
    if todo:
        if scheduler:
            runners.append(DaskWorkers(scheduler, run_school))
        else:
            local = LocalWorkers(count, run_school)
            runners.append(local)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    bar = None
    summary_path = None
    try:
        _write_record(out, results, started)
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(todo), unit="school", desc="Schools", dynamic_ncols=True)
        tally = {"done": 0, "failed": 0}

        def on_start(school_id: str) -> None:
            entry = results.get(school_id)
            if entry is not None and entry.status == "pending":
                entry.status = "running"
                _write_record(out, results, started)

        def on_done(result: SchoolResult) -> None:
            result.reason = results[result.school_id].reason
            results[result.school_id] = result
            _write_record(out, results, started)
            tally[result.status] = tally.get(result.status, 0) + 1
            if bar is not None:
                bar.set_postfix(done=tally["done"], failed=tally["failed"])
                bar.update(1)
            if on_result is not None:
                on_result(result)

        with Stopper() as stopper:
            finished = not todo or run_jobs(runners[0], todo, stopper, on_start, on_done)
            if finished and summary and not stopper.signum:
                if local is None:
                    local = LocalWorkers(1, run_school)
                    runners.append(local)
                summary_path = _hub_summary(
                    local, stopper, out, data, framework, [job.school_id for job in jobs], folder
                )
        if stopper.signum:
            if bar is not None:
                bar.close()
                bar = None
            how = _SIGNAL_NAMES.get(stopper.signum, f"signal {stopper.signum}")
            for entry in results.values():
                if entry.status == "running":
                    entry.status = "stopped"
                    entry.reason = f"stopped part-way by {how}; --resume runs it again"
                elif entry.status == "pending":
                    entry.status = "not run"
                    entry.reason = f"not begun when {how} stopped the batch; --resume runs it"
            _write_record(out, results, started)
            report = BatchReport(
                out, list(results.values()), warnings, None, time.perf_counter() - start
            )
            raise BatchStopped(report, stopper.signum, during_summary=finished and summary)
    finally:
        if bar is not None:
            bar.close()
        for runner in runners:
            runner.close()
    return BatchReport(
        out, list(results.values()), warnings, summary_path, time.perf_counter() - start
    )


def _hub_summary(
    runner: LocalWorkers,
    stopper: Stopper,
    out: Path,
    data: Path,
    framework: str | os.PathLike[str] | None,
    school_ids: list[str],
    folder: Path,
) -> Path | None:
    """Run the hub summary workbook over the batch and write DIR/hub_summary.html (None when
    the batch was stopped meanwhile). It comes from the batch's workbooks `folder` when that
    holds one, else from the package."""
    if not (folder / f"{HUB_SUMMARY}.ipynb").is_file():
        folder = find_workbooks()
    job = SchoolJob(
        school_id=HUB_SUMMARY,
        name="Hub summary",
        row=0,
        parameters={"batch_dir": str(out), "school_ids": ",".join(school_ids)},
        workbooks=(HUB_SUMMARY,),
        workbooks_dir=str(folder),
        templates_dir=str(find_templates()),
        out_dir=str(out / ".hub"),
        data_dir=str(data),
        framework=str(Path(framework).resolve()) if framework else "",
    )
    made: list[SchoolResult] = []
    if not run_jobs(runner, [job], stopper, lambda _: None, made.append) or not made:
        shutil.rmtree(out / ".hub", ignore_errors=True)
        return None
    if made[0].status != "done":
        raise InputError(f"hub summary: could not be made ({made[0].error})")
    built = out / ".hub" / HUB_SUMMARY / f"{HUB_SUMMARY}.html"
    target = atomic_write_bytes(out / f"{HUB_SUMMARY}.html", built.read_bytes())
    shutil.rmtree(out / ".hub", ignore_errors=True)
    return target
