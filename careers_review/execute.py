"""Running a workbook with a real kernel, in one place for the batch and the report.

Both run the same workbooks through Papermill, so both inject parameters, start kernels and
report a cell that raised in the same way: a `WorkbookError` naming the workbook, the cell and
the error, whatever runs it. Papermill is imported only when a workbook runs, so importing the
package stays quick.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import WorkbookError

__all__ = ["QUIET_KERNEL", "execute_workbook", "workbook_parameters"]

#: Kernel arguments for many kernels at once: each kernel's warning that it talks over local
#: TCP is noise there.
QUIET_KERNEL = ("--IPKernelApp.log_level=ERROR",)


def workbook_parameters(notebook: str | os.PathLike[str]) -> set[str]:
    """The names a workbook's parameters cell declares: what it can be given."""
    import papermill

    return set(papermill.inspect_notebook(str(notebook)))


def execute_workbook(
    notebook: str | os.PathLike[str],
    output: str | os.PathLike[str],
    parameters: Mapping[str, object],
    *,
    cwd: str | os.PathLike[str],
    kernel_name: str = "python3",
    kernel_arguments: Sequence[str] = (),
    timeout: float | None = None,
    start_timeout: float = 60,
) -> None:
    """Run `notebook` with `parameters` injected and write the executed copy to `output`.

    `cwd` is the folder the kernel runs in (the workbooks' own, so their relative paths hold);
    `kernel_arguments` go to the kernel's command line (such as `QUIET_KERNEL`); `timeout` is
    the most seconds one cell may take (None: no limit) and `start_timeout` the most a kernel
    may take to start. When a cell raises, the executed copy, with the error in its outputs, is
    still written to `output`, and WorkbookError is raised."""
    import papermill

    source = Path(notebook)
    options: dict[str, object] = {}
    if kernel_arguments:
        options["extra_arguments"] = list(kernel_arguments)
    if timeout is not None:
        options["execution_timeout"] = timeout
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=dict(parameters),
            cwd=str(cwd),
            progress_bar=False,
            kernel_name=kernel_name,
            start_timeout=start_timeout,
            **options,
        )
    except papermill.PapermillExecutionError as exc:
        raise WorkbookError(
            source.name,
            str(exc.ename),
            str(exc.evalue),
            cell=exc.exec_count,
            cell_index=exc.cell_index,
        ) from None
