"""One school's part in a hub batch: what it is given, what came of it, and running it.

`run_school` is top-level and takes and returns plain dataclasses, so a spawned process or a
Dask worker can run it; the batch (see `batch`) decides which schools run and records them.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import WorkbookError
from .execute import QUIET_KERNEL, execute_workbook, workbook_parameters
from .files import atomic_write_bytes
from .fingerprint import METADATA_KEY
from .workers import tell_started

__all__ = ["SchoolJob", "SchoolResult", "run_school"]


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


def _convert(notebook: Any, templates: str) -> bytes:
    """An executed workbook as the report's HTML, made as the report export makes it."""
    from .report import notebook_html

    return notebook_html(notebook, templates).encode("utf-8")


def run_school(job: SchoolJob) -> SchoolResult:
    """Run one school's workbooks. Top-level so process pools and Dask workers can call it.

    Each workbook's notebook is written before its report, with the job's fingerprint in its
    metadata: a report at least as new as its notebook was finished from it."""
    import nbformat

    tell_started(job.school_id)
    start = time.perf_counter()
    result = SchoolResult(job.school_id, job.name, "done", fingerprint=dict(job.fingerprint))
    target = Path(job.out_dir) / job.school_id
    work = Path(tempfile.mkdtemp(prefix=f"careers-batch-{job.school_id}-"))
    try:
        for workbook in job.workbooks:
            source = Path(job.workbooks_dir) / f"{workbook}.ipynb"
            declared = workbook_parameters(source)
            parameters = {k: v for k, v in job.parameters.items() if k in declared}
            parameters.update(school_id=job.school_id, data_dir=job.data_dir)
            if "school_name" in declared:
                parameters["school_name"] = job.name
            if "framework" in declared:
                parameters["framework"] = job.framework
            executed = work / f"{workbook}.ipynb"
            try:
                execute_workbook(
                    source,
                    executed,
                    parameters,
                    cwd=job.workbooks_dir,
                    kernel_arguments=QUIET_KERNEL,
                )
            except WorkbookError as exc:
                result.status, result.failed_workbook = "failed", workbook
                result.cell = exc.cell
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
