"""Hub batches: the chosen workbooks for every school in a CSV, run with Papermill on local
processes or a Dask cluster, each school's outputs written whole or not at all.

A school that fails is recorded and the others go on. `batch.json` is rewritten after every
school, so a batch stopped half-way can be resumed and ends as if it had run straight through.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import InputError
from .files import atomic_write_bytes, atomic_write_text
from .model import SAFE_ID
from .resources import find_templates, find_workbooks

__all__ = [
    "BatchReport",
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


@dataclass
class SchoolResult:
    school_id: str
    name: str
    status: str  # "done", "failed" or "skipped"
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    failed_workbook: str = ""
    cell: int | None = None
    error: str = ""


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


# -- the schools file ----------------------------------------------------------------------


def _notebook_parameters(path: Path) -> set[str]:
    import papermill

    return set(papermill.inspect_notebook(str(path)))


def _shown(cell: str, *, quote: bool = True, limit: int = 60) -> str:
    """A cell of the user's file for a one-line message: quoted (or bare, when it is plain
    printable text), with line breaks and control characters escaped, and cut short."""
    text = cell if not quote and cell.isprintable() else repr(cell)
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    rows: list[list[str]] = []
    try:
        # newline="" keeps a line break typed inside a quoted cell (Alt+Enter in Excel) in it.
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"{path}: row {len(rows) + 1}: not valid CSV ({exc})") from None
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


def _convert(notebook_path: Path, templates: str) -> bytes:
    import nbformat
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
    html, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    return html.encode("utf-8")


def run_school(job: SchoolJob) -> SchoolResult:
    """Run one school's workbooks. Top-level so process pools and Dask workers can call it."""
    import papermill

    start = time.perf_counter()
    result = SchoolResult(job.school_id, job.name, "done")
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
            html = _convert(executed, job.templates_dir)
            for name, data in (
                (f"{workbook}.ipynb", executed.read_bytes()),
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


# -- resuming ------------------------------------------------------------------------------


def _latest_change(store, school_id: str) -> float:
    """When the school's data last changed: its newest school or review revision."""
    times = [r.saved_at.timestamp() for r in store.revisions("school", school_id)]
    for review in store.reviews(school_id):
        times += [r.saved_at.timestamp() for r in store.revisions("review", review.id)]
    return max(times, default=0.0)


def _complete(job: SchoolJob, changed: float) -> bool:
    """Outputs all there, and newer than the school's data and the workbooks."""
    target = Path(job.out_dir) / job.school_id
    for workbook in job.workbooks:
        source = Path(job.workbooks_dir) / f"{workbook}.ipynb"
        for name in (f"{workbook}.ipynb", f"{workbook}.html"):
            output = target / name
            if not output.exists():
                return False
            made = output.stat().st_mtime
            if made < changed or made < source.stat().st_mtime:
                return False
    return True


def _remove_partial_files(out_dir: Path) -> None:
    """A batch killed mid-write leaves hidden .part files: never a notebook that looks whole."""
    for part in out_dir.rglob(".*.part"):
        part.unlink(missing_ok=True)


# -- the batch -----------------------------------------------------------------------------


def _write_record(out_dir: Path, results: dict[str, SchoolResult], started: str) -> None:
    record = {
        "started": started,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "schools": [asdict(r) for r in results.values()],
    }
    atomic_write_text(out_dir / BATCH_FILE, json.dumps(record, indent=2, ensure_ascii=False) + "\n")


def _execute(jobs: list[SchoolJob], workers: int, scheduler: str | None):
    """Yield results as they finish, from a local process pool or a Dask cluster."""
    if scheduler:
        try:
            from dask.distributed import Client
            from dask.distributed import as_completed as dask_completed
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"
            ) from None
        with client:
            futures = client.map(run_school, jobs, pure=False)
            for future in dask_completed(futures):
                yield future.result()
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(run_school, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


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
    """Run the workbooks for every school in the CSV, then the hub summary over the results."""
    from .store import Store, resolve_data_dir
    from .workspace import framework_in_use

    start = time.perf_counter()
    folder = find_workbooks()
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
    framework_in_use(data, framework)  # a broken framework file stops the batch before it starts
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    _remove_partial_files(out)
    jobs = [
        SchoolJob(
            school_id=values["school_id"],
            name=values["name"],
            row=number,
            parameters={k: v for k, v in values.items() if k in parameters and v},
            workbooks=names,
            workbooks_dir=str(folder),
            templates_dir=str(find_templates()),
            out_dir=str(out),
            data_dir=str(data),
            framework=str(Path(framework).resolve()) if framework else "",
        )
        for number, values in records
    ]
    results: dict[str, SchoolResult] = {
        job.school_id: SchoolResult(job.school_id, job.name, "pending") for job in jobs
    }
    with Store(data, create=False) as store:
        known = set(store.school_ids())
        unknown = [job for job in jobs if job.school_id not in known]
        if unknown:
            raise SchoolsFileError(
                [
                    f"{schools_csv}: row {job.row}: school_id: unknown school {job.school_id!r} "
                    f"(not in {data})"
                    for job in unknown
                ]
            )
        todo = []
        for job in jobs:
            if resume and _complete(job, _latest_change(store, job.school_id)):
                results[job.school_id] = SchoolResult(
                    job.school_id,
                    job.name,
                    "skipped",
                    outputs=[f"{job.school_id}/{w}.{x}" for w in names for x in ("ipynb", "html")],
                )
            else:
                todo.append(job)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    _write_record(out, results, started)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), unit="school", desc="Schools", dynamic_ncols=True)
    done = failed = 0
    try:
        if todo:
            count = max(1, min(workers or os.cpu_count() or 1, len(todo)))
            for result in _execute(todo, count, scheduler):
                results[result.school_id] = result
                _write_record(out, results, started)
                done += result.status == "done"
                failed += result.status == "failed"
                if bar is not None:
                    bar.set_postfix(done=done, failed=failed)
                    bar.update(1)
                if on_result is not None:
                    on_result(result)
    finally:
        if bar is not None:
            bar.close()
    summary_path = None
    if summary:
        summary_path = _hub_summary(out, data, framework, [job.school_id for job in jobs])
    return BatchReport(
        out, list(results.values()), warnings, summary_path, time.perf_counter() - start
    )


def _hub_summary(out: Path, data: Path, framework, school_ids: list[str]) -> Path:
    """Run the hub summary workbook over the batch and write DIR/hub_summary.html."""
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
    result = run_school(job)
    if result.status != "done":
        raise InputError(f"hub summary: could not be made ({result.error})")
    built = out / ".hub" / HUB_SUMMARY / f"{HUB_SUMMARY}.html"
    target = atomic_write_bytes(out / f"{HUB_SUMMARY}.html", built.read_bytes())
    shutil.rmtree(out / ".hub", ignore_errors=True)
    return target
