"""Project hygiene users and CI rely on: one dependency list, stripped notebooks, clean code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import papermill
import pytest
import yaml

from .conftest import ROOT, WORKBOOKS, need_shared

NOTEBOOKS = sorted(WORKBOOKS.glob("*.ipynb"))


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match[1].lower().replace("_", "-"), match[2].replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_and_spec(r) for r in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_name_and_spec(r) for r in extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    conda = dict(_name_and_spec(d) for d in env["dependencies"] if isinstance(d, str))
    conda.pop("python"), conda.pop("pip")  # the interpreter and installer, not dependencies
    assert conda == wanted


def test_version_has_one_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    from careers_review import __version__

    assert __version__ == project["version"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path: Path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_declares_school_and_data_dir_parameters(path: Path):
    declared = papermill.inspect_notebook(str(path))
    assert {"school_id", "data_dir"} <= set(declared)


def test_ruff_format_and_lint_clean():
    for args in (["format", "--check", "."], ["check", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    assert "make app" in first_block and "make test" in first_block


def test_no_shared_files_copied_into_the_project():
    seeds = need_shared("seeds")
    sizes = {p.stat().st_size for p in seeds.iterdir()}
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    for name in tracked:
        path = ROOT / name
        if path.is_file() and path.stat().st_size in sizes:
            assert path.read_bytes() not in {p.read_bytes() for p in seeds.iterdir()}, name
