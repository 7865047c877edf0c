"""Workbooks run headless: Papermill with a real kernel, and nbval over the folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import papermill
import pytest

from careers_review import Store

from .conftest import ROOT, WORKBOOKS

pytestmark = pytest.mark.slow


def _outputs_text(path) -> str:
    """What an executed workbook shows: its static outputs, and the text of its widgets (a
    page of steps is widgets)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    widgets = notebook.metadata.get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    chunks = [
        str(model["state"].get("value", ""))
        for model in state.values()
        if model.get("model_name") == "HTMLModel"
    ]
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


def _widget_states(path) -> list[dict]:
    import json

    notebook = json.loads(path.read_text(encoding="utf-8"))
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return list(state.values())


def test_review_workbook_runs_headless_and_produces_the_summary(session_data_dir, tmp_path):
    import base64

    out = tmp_path / "review.ipynb"
    papermill.execute_notebook(
        str(WORKBOOKS / "02_internal_review.ipynb"),
        str(out),
        parameters={
            "school_id": "oakfield-academy",
            "data_dir": str(session_data_dir),
            "academic_year": "2026/27",
        },
        progress_bar=False,
        kernel_name="python3",
    )
    assert "Traceback" not in _outputs_text(out)
    models = _widget_states(out)
    summary = [m for m in models if "cr-summary" in m["state"].get("_dom_classes", [])]
    assert len(summary) == 1
    with Store(session_data_dir) as store:
        review = store.review("oakfield-academy-2026-27")
    lists = [
        m["state"]["value"]
        for m in models
        if "class='cr-strengths'" in str(m["state"].get("value", ""))
    ]
    assert len(lists) == 1 and "5 of 5 themes agreed" in lists[0]
    from html import escape

    from careers_review import default_framework

    strengths = [
        t.name for t in default_framework().themes if review.rating(t.id).focus == "strength"
    ]
    assert strengths, "the sample review has strengths to show"
    assert all(escape(name) in lists[0] for name in strengths)
    # The chart is an <img> in an HTML widget, so that it carries its text alternative.
    charts = [m for m in models if "cr-summary-chart" in m["state"].get("_dom_classes", [])]
    assert len(charts) == 1
    found = re.search(
        r"src='data:image/png;base64,([^']+)' alt='([^']+)'", charts[0]["state"]["value"]
    )
    assert found, "the summary chart is a PNG with a text alternative"
    png = base64.b64decode(found.group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert found.group(2).startswith("Maturity level per theme, Review 2026/27:")


@pytest.mark.parametrize(
    ("workbook", "expected"),
    [
        ("01_leadership_foundations.ipynb", "class='cr-provider-access'"),
        ("03_strategic_plan.ipynb", "class='cr-benchmark-score'"),
    ],
)
def test_phase_workbooks_run_headless(session_data_dir, tmp_path, workbook, expected):
    out = tmp_path / workbook
    papermill.execute_notebook(
        str(WORKBOOKS / workbook),
        str(out),
        parameters={
            "school_id": "st-peters-catholic-high-school",
            "data_dir": str(session_data_dir),
            "academic_year": "2026/27",
        },
        progress_bar=False,
        kernel_name="python3",
    )
    assert "Traceback" not in _outputs_text(out)
    values = [str(m["state"].get("value", "")) for m in _widget_states(out)]
    assert any(expected in value for value in values)
    assert any("St Peter&#x27;s Catholic High School" in value for value in values)
