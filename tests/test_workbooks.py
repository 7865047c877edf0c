"""Workbooks run headless: Papermill with a real kernel, and nbval over the folder."""

from __future__ import annotations

import os
import subprocess
import sys

import papermill
import pytest

from careers_review import Store

from .conftest import ROOT, WORKBOOKS

pytestmark = pytest.mark.slow


def _outputs_text(path) -> str:
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    chunks = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            chunks.append(
                data.get("text/html", "") + data.get("text/plain", "") + output.get("text", "")
            )
    return "\n".join(chunks)


def test_start_page_with_papermill_for_a_sample_school(session_data_dir, tmp_path):
    with Store(session_data_dir) as store:
        school = store.schools()[0]
        names = [s.name for s in store.schools()]
    out = tmp_path / "start.ipynb"
    papermill.execute_notebook(
        str(WORKBOOKS / "00_start_here.ipynb"),
        str(out),
        parameters={"school_id": school.id, "data_dir": str(session_data_dir)},
        cwd=str(WORKBOOKS),
        progress_bar=False,
        kernel_name="python3",
    )
    text = _outputs_text(out)
    from html import escape

    assert f"<h1 class='cr-school-name'>{escape(school.name)}</h1>" in text
    assert all(escape(name) in text for name in names)
    assert "Traceback" not in text


def test_start_page_for_unknown_school_says_so(session_data_dir, tmp_path):
    out = tmp_path / "start.ipynb"
    papermill.execute_notebook(
        str(WORKBOOKS / "00_start_here.ipynb"),
        str(out),
        parameters={"school_id": "no-such-school", "data_dir": str(session_data_dir)},
        progress_bar=False,
        kernel_name="python3",
    )
    text = _outputs_text(out)
    assert "There is no school with the id <strong>no-such-school</strong>" in text
    assert "cr-school-list" in text


def test_nbval_lax_over_workbooks(session_data_dir):
    """`pytest --nbval-lax workbooks/`, with the defaults pointed at the sample hub."""
    env = {**os.environ, "CAREERS_REVIEW_DATA": str(session_data_dir)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-q",
            str(WORKBOOKS),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout
