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

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import InputError
from .files import atomic_write_bytes, atomic_write_text
from .fingerprint import (
    METADATA_KEY,
    UP_TO_DATE,
    digest,
    digest_data,
    digest_workbooks,
    previous_record,
    school_fingerprint,
    why_run,
)
from .model import SAFE_ID
from .resources import find_templates, find_workbooks
from .workers import POLL, DaskWorkers, LocalWorkers, Stopper, tell_started

__all__ = [
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
_ID_COLUMNS = ("school_id", "id")


class SchoolsFileError(InputError):
    """Every problem found in a schools CSV, one per line, so all can be fixed in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SchoolJob:
    school_id: str
    name: str
    row: int
    parameters: dict[str, str]
    workbooks: tuple[str, ...]
    workbooks_dir: str
    templates_dir: str
    out_dir: str
    data_dir: str
    framework: str = ""
    #: What the outputs are made from (see `fingerprint.school_fingerprint`); kept in each
    #: output notebook.
    fingerprint: dict[str, str] = field(default_factory=dict)


@dataclass
class SchoolResult:
    school_id: str
    name: str
    #: "pending", "running", "done", "failed", "skipped" (up to date on --resume),
    #: "stopped" (the batch was stopped while it ran) or "not run" (stopped before it began)
    status: str
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    failed_workbook: str = ""
    cell: int | None = None
    error: str = ""
    #: Why the school was run, skipped or not run.
    reason: str = ""
    fingerprint: dict[str, str] = field(default_factory=dict)


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


# -- the schools file ----------------------------------------------------------------------


def _notebook_parameters(path: Path) -> set[str]:
    import papermill

    return set(papermill.inspect_notebook(str(path)))


def _shown(cell: str, *, quote: bool = True, limit: int = 60) -> str:
    """A cell of the user's file for a one-line message: quoted (or bare, when it is plain
    printable text), with line breaks and control characters escaped, and cut short."""
    text = cell if not quote and cell.isprintable() else repr(cell)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _ends_inside_quotes(text: str) -> bool:
    """Whether a record's text stops inside a quoted cell. Python's reader, unlike Excel, says
    nothing then: it reads the rest of the file into that cell. Read strictly, it does say."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _read_rows(path: Path, text: str) -> list[list[str]]:
    rows: list[list[str]] = []
    first_line: list[int] = []  # the physical line each record starts on
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # newline="" keeps a line break typed inside a quoted cell (Alt+Enter in Excel) in it.
        consumed = 0
        for row in reader:
            rows.append(row)
            first_line.append(consumed + 1)
            consumed = reader.line_num
    except csv.Error as exc:
        raise InputError(f"{path}: row {len(rows) + 1}: not valid CSV ({exc})") from None
    if rows:
        lines = io.StringIO(text, newline="").readlines()
        last = "".join(lines[first_line[-1] - 1 :])
        if _ends_inside_quotes(last):
            raise InputError(
                f'{path}: row {len(rows)} (line {first_line[-1]}): a quote (") opens a cell '
                "that is never closed, so the rest of the file would be read as that one cell "
                "(add the closing quote)"
            )
    return rows


def read_schools_csv(
    path: str | os.PathLike[str], parameters: Iterable[str] = ()
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Rows of a schools CSV (as Excel saves it: BOM, CRLF, quoted commas, accents), checked
    before anything runs. Returns (row number, values) pairs and warnings; raises
    SchoolsFileError listing every problem by row."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
        text = text.removeprefix("\u00ef\u00bb\u00bf")  # a UTF-8 byte-order mark, read so
    rows = _read_rows(path, text)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(f"{path}: empty file (expected a header row with school_id and name)")
    header = [cell.strip() for cell in rows[0]]
    id_column = next((c for c in _ID_COLUMNS if c in header), None)
    missing = [c for c in (id_column or "school_id", "name") if c not in header]
    if missing:
        found = ", ".join(_shown(cell, quote=False) for cell in header)
        raise InputError(f"{path}: row 1: missing column {', '.join(missing)} (found: {found})")
    known = {*_ID_COLUMNS, "name", *parameters}
    warnings = [
        f"{path}: column {column!r} is not a parameter of the chosen workbooks: ignored"
        for column in header
        if column and column not in known
    ]
    problems: list[str] = []
    seen: dict[str, int] = {}
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"{path}: row {number}: {len(row)} values for {len(header)} columns")
            continue
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h}
        school_id = values.get(id_column, "")
        if not school_id:
            problems.append(f"{path}: row {number}: {id_column}: missing")
        elif not re.fullmatch(SAFE_ID, school_id):
            problems.append(
                f"{path}: row {number}: {id_column}: {_shown(school_id)} cannot be a folder name "
                "(use letters, digits, '-' and '_')"
            )
        elif school_id in seen:
            problems.append(
                f"{path}: row {number}: {id_column}: {school_id!r} is also on row {seen[school_id]}"
            )
        else:
            seen[school_id] = number
        if not values.get("name"):
            problems.append(f"{path}: row {number}: name: missing")
        values["school_id"] = school_id
        records.append((number, values))
    if problems:
        raise SchoolsFileError(problems)
    if not records:
        raise InputError(f"{path}: no schools listed under the header")
    return records, warnings


# -- one school ----------------------------------------------------------------------------


def _convert(notebook: Any, templates: str) -> bytes:
    from nbconvert import HTMLExporter

    from .report import REPORT_TEMPLATE

    exporter = HTMLExporter(
        extra_template_basedirs=[templates],
        template_name=REPORT_TEMPLATE,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
    )
    html, _ = exporter.from_notebook_node(notebook)
    return html.encode("utf-8")


def run_school(job: SchoolJob) -> SchoolResult:
    """Run one school's workbooks. Top-level so process pools and Dask workers can call it.

    Each workbook's notebook is written before its report, with the job's fingerprint in its
    metadata: a report at least as new as its notebook was finished from it."""
    import nbformat
    import papermill

    tell_started(job.school_id)
    start = time.perf_counter()
    result = SchoolResult(job.school_id, job.name, "done", fingerprint=dict(job.fingerprint))
    target = Path(job.out_dir) / job.school_id
    work = Path(tempfile.mkdtemp(prefix=f"careers-batch-{job.school_id}-"))
    try:
        for workbook in job.workbooks:
            source = Path(job.workbooks_dir) / f"{workbook}.ipynb"
            declared = _notebook_parameters(source)
            parameters = {k: v for k, v in job.parameters.items() if k in declared}
            parameters.update(school_id=job.school_id, data_dir=job.data_dir)
            if "school_name" in declared:
                parameters["school_name"] = job.name
            if "framework" in declared:
                parameters["framework"] = job.framework
            executed = work / f"{workbook}.ipynb"
            try:
                papermill.execute_notebook(
                    str(source),
                    str(executed),
                    parameters=parameters,
                    cwd=job.workbooks_dir,
                    progress_bar=False,
                    kernel_name="python3",
                    # Each kernel's warning that it talks over local TCP is noise in a batch.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
            except papermill.PapermillExecutionError as exc:
                result.status, result.failed_workbook = "failed", workbook
                result.cell = exc.exec_count
                result.error = f"{exc.ename}: {exc.evalue}".splitlines()[0][:300]
                if executed.exists():
                    failed = target / f"{workbook}.failed.ipynb"
                    atomic_write_bytes(failed, executed.read_bytes())
                    result.outputs.append(str(failed.relative_to(job.out_dir)))
                break
            notebook = nbformat.read(executed, as_version=4)
            if job.fingerprint:
                notebook.metadata[METADATA_KEY] = {"batch_fingerprint": dict(job.fingerprint)}
            html = _convert(notebook, job.templates_dir)
            for name, data in (
                (f"{workbook}.ipynb", nbformat.writes(notebook).encode("utf-8")),
                (f"{workbook}.html", html),
            ):
                atomic_write_bytes(target / name, data)
                result.outputs.append(f"{job.school_id}/{name}")
            (target / f"{workbook}.failed.ipynb").unlink(missing_ok=True)
    except Exception as exc:  # one school's failure must never stop the others
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.seconds = round(time.perf_counter() - start, 2)
    return result


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


_SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


def _run_jobs(
    runner: LocalWorkers | DaskWorkers,
    jobs: list[SchoolJob],
    stopper: Stopper,
    on_start: Callable[[str], None],
    on_done: Callable[[SchoolResult], None],
) -> bool:
    """Run the jobs, telling as each starts and ends, until all have ended (True) or a stop was
    asked (False: the workers are ended, and any job that finished meanwhile is told)."""
    handles: dict[Any, SchoolJob] = {}
    for job in jobs:
        if stopper.signum:
            break
        handles[runner.submit(job)] = job
    pending = set(handles)
    while pending and not stopper.signum:
        done = runner.finished(pending, POLL)
        for school_id in runner.started():
            on_start(school_id)
        for handle in done:
            pending.discard(handle)
            on_done(runner.outcome(handle, handles[handle]))
    if not stopper.signum:
        return True
    runner.stop()
    for school_id in runner.started():
        on_start(school_id)
    for handle in pending:
        with contextlib.suppress(Exception):
            if handle.done() and not handle.cancelled() and handle.exception() is None:
                on_done(handle.result())
    return False


def run_batch(
    schools_csv: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    framework: str | os.PathLike[str] | None = None,
    workbooks: Iterable[str] = DEFAULT_WORKBOOKS,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    summary: bool = True,
    on_result: Callable[[SchoolResult], None] | None = None,
) -> BatchReport:
    """Run the workbooks for every school in the CSV, then the hub summary over the results.

    Everything given is checked before anything is written. Raises BatchStopped (after
    recording every school truly) when Ctrl-C or SIGTERM stops it."""
    from .store import Store, resolve_data_dir
    from .workspace import framework_in_use

    start = time.perf_counter()
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: must be 1 or more (schools run at once)")
    out = _output_folder(out_dir)
    folder = find_workbooks()
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
        parameters |= _notebook_parameters(folder / f"{name}.ipynb")
    records, warnings = read_schools_csv(schools_csv, parameters)
    data = resolve_data_dir(data_dir)
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
    if todo:
        runners.append(
            DaskWorkers(scheduler, run_school) if scheduler else LocalWorkers(count, run_school)
        )
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
            finished = not todo or _run_jobs(runners[0], todo, stopper, on_start, on_done)
            if finished and summary and not stopper.signum:
                local = runners[0] if runners and not scheduler else None
                if local is None:
                    local = LocalWorkers(1, run_school)
                    runners.append(local)
                summary_path = _hub_summary(
                    local, stopper, out, data, framework, [job.school_id for job in jobs]
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
) -> Path | None:
    """Run the hub summary workbook over the batch and write DIR/hub_summary.html (None when
    the batch was stopped meanwhile)."""
    job = SchoolJob(
        school_id=HUB_SUMMARY,
        name="Hub summary",
        row=0,
        parameters={"batch_dir": str(out), "school_ids": ",".join(school_ids)},
        workbooks=(HUB_SUMMARY,),
        workbooks_dir=str(find_workbooks()),
        templates_dir=str(find_templates()),
        out_dir=str(out / ".hub"),
        data_dir=str(data),
        framework=str(Path(framework).resolve()) if framework else "",
    )
    made: list[SchoolResult] = []
    if not _run_jobs(runner, [job], stopper, lambda _: None, made.append) or not made:
        shutil.rmtree(out / ".hub", ignore_errors=True)
        return None
    if made[0].status != "done":
        raise InputError(f"hub summary: could not be made ({made[0].error})")
    built = out / ".hub" / HUB_SUMMARY / f"{HUB_SUMMARY}.html"
    target = atomic_write_bytes(out / f"{HUB_SUMMARY}.html", built.read_bytes())
    shutil.rmtree(out / ".hub", ignore_errors=True)
    return target
