"""Every workbook reads as a guide: an introduction, its parameters, then per step a markdown
cell of guidance and one short call. Read from the files, no kernel needed."""

from __future__ import annotations

import json

import pytest

from .conftest import WORKBOOKS

NOTEBOOKS = sorted(p.name for p in WORKBOOKS.glob("*.ipynb"))
INTRODUCTION = ("What it is for", "Who should be there", "How long", "What you leave with")
MAX_LINES = 3  # a step's call: the package does the work, the notebook tells the story


def _cells(name: str) -> list[dict]:
    notebook = json.loads((WORKBOOKS / name).read_text(encoding="utf-8"))
    return notebook["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _code_lines(cell: dict) -> list[str]:
    return [
        line
        for line in _source(cell).splitlines()
        if line.strip() and not line.strip().startswith(("#", "from ", "import "))
    ]


def test_every_workbook_is_here():
    expected = {
        "00_start_here.ipynb",
        "01_leadership_foundations.ipynb",
        "02_internal_review.ipynb",
        "03_strategic_plan.ipynb",
        "04_impact_evaluation.ipynb",
        "05_governor_report.ipynb",
        "hub_summary.ipynb",
    }
    assert expected <= set(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_workbook_opens_with_an_introduction_and_its_parameters(name):
    cells = _cells(name)
    intro = _source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and intro.startswith("# ")
    missing = [words for words in INTRODUCTION if words.lower() not in intro.lower()]
    assert not missing, f"{name}: the introduction does not say {missing}"
    assert cells[1]["cell_type"] == "code"
    assert "parameters" in cells[1].get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_step_is_guidance_then_one_short_call(name):
    cells = _cells(name)
    opening, steps = cells[2], cells[3:]
    assert opening["cell_type"] == "code"
    assert len(_code_lines(opening)) <= MAX_LINES, f"{name}: the opening call is long"
    assert len(steps) >= 4 and len(steps) % 2 == 0, f"{name}: steps come in pairs"
    for guidance, call in zip(steps[::2], steps[1::2], strict=True):
        text = _source(guidance)
        assert guidance["cell_type"] == "markdown", f"{name}: {text[:40]!r} is not guidance"
        assert text.startswith("## "), f"{name}: a step's guidance starts with its heading"
        assert len(text.split("\n", 1)[-1].split()) >= 8, f"{name}: {text[:40]!r} says little"
        assert call["cell_type"] == "code", f"{name}: {text[:40]!r} has no call after it"
        lines = _code_lines(call)
        assert 1 <= len(lines) <= MAX_LINES, f"{name}: the call after {text[:40]!r} is long"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_workbook_is_committed_without_outputs(name):
    for cell in _cells(name):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, name
