"""A workbook run through `execute_workbook`: parameters reach the kernel, and a cell that
raises comes back as a WorkbookError naming the workbook and the error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from careers_review.errors import CareersReviewError, WorkbookError
from careers_review.execute import QUIET_KERNEL, execute_workbook, workbook_parameters

pytestmark = pytest.mark.slow


def _workbook(folder: Path, name: str, *sources: str) -> Path:
    parameters = nbformat.v4.new_code_cell('school_id = ""\ncount = 0')
    parameters.metadata["tags"] = ["parameters"]
    notebook = nbformat.v4.new_notebook(
        cells=[parameters, *(nbformat.v4.new_code_cell(s) for s in sources)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def test_a_good_workbook_is_written_with_its_parameters_injected(tmp_path):
    source = _workbook(tmp_path, "good", "print(f'{school_id}:{count * 2}')")
    assert workbook_parameters(source) == {"school_id", "count"}
    output = tmp_path / "out" / "good.ipynb"
    output.parent.mkdir()
    execute_workbook(
        source,
        output,
        {"school_id": "oakfield", "count": 21},
        cwd=tmp_path,
        kernel_arguments=QUIET_KERNEL,
    )
    executed = nbformat.read(output, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert 'school_id = "oakfield"' in injected[0].source
    printed = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert printed.strip() == "oakfield:42"


def test_a_cell_that_raises_names_the_workbook_and_the_error(tmp_path):
    source = _workbook(tmp_path, "broken", "x = 1", "raise ValueError(f'no school {school_id}')")
    output = tmp_path / "broken.out.ipynb"
    with pytest.raises(WorkbookError) as caught:
        execute_workbook(source, output, {"school_id": "zz"}, cwd=tmp_path)
    error = caught.value
    assert isinstance(error, CareersReviewError)
    assert "broken.ipynb" in str(error)
    assert "ValueError: no school zz" in str(error)
    assert (error.workbook, error.ename, error.evalue) == (
        "broken.ipynb",
        "ValueError",
        "no school zz",
    )
    assert error.cell is not None
    # The executed copy is still written, with the error where it happened.
    failed = nbformat.read(output, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))
