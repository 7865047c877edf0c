"""A data directory's own copy of the workbooks: made on first use, kept up to date with the
package, never overwritten once edited, reset on request, and served in place of the package's
with the package's file rules. A newer package is a temporary copy of workbooks/ changed here."""

from __future__ import annotations

import hashlib
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from careers_review import __version__
from careers_review.copies import (
    MANIFEST,
    sync_workbooks,
    workbook_folder,
    workbook_states,
)
from careers_review.resources import find_workbooks

from .conftest import WORKBOOKS, free_port, run_cli, running, serve_command, signed_in
from .test_voila import _get

NAMES = sorted(p.name for p in WORKBOOKS.glob("*.ipynb"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_cell(path: Path, text: str) -> bytes:
    """A careers leader's edit (or a newer package's change): one more markdown cell."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(notebook, path)
    return path.read_bytes()


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """The package's workbooks folder as a newer version would ship it (changed by a test)."""
    folder = tmp_path / "package"
    shutil.copytree(WORKBOOKS, folder)
    return folder


def test_first_use_copies_the_workbooks_and_writes_the_manifest(tmp_path, package):
    data = tmp_path / "data"
    assert workbook_folder(data) == find_workbooks()  # no copy yet: the package's
    synced = sync_workbooks(data, package=package)
    copy = data / "workbooks"
    assert synced.folder == copy and workbook_folder(data) == copy
    assert len(synced.notes) == 1 and "Copied the workbooks to" in synced.notes[0]
    assert sorted(p.name for p in copy.glob("*.ipynb")) == NAMES
    for name in NAMES:
        assert (copy / name).read_bytes() == (package / name).read_bytes(), name
    assert not (copy / "voila.json").exists()  # the server's settings stay the package's
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {
        "format": 1,
        "package_version": __version__,
        "files": {name: _sha(package / name) for name in NAMES},
    }
    written = (copy / MANIFEST).stat().st_mtime_ns
    again = sync_workbooks(data, package=package)
    assert again.notes == [] and (copy / MANIFEST).stat().st_mtime_ns == written
    assert {s.state for s in workbook_states(data, package=package)} == {"as copied"}


def test_an_unchanged_copy_takes_the_newer_version_silently(tmp_path, package):
    data = tmp_path / "data"
    sync_workbooks(data, package=package)
    newer = _add_cell(package / "05_governor_report.ipynb", "A section added in a new version.")
    synced = sync_workbooks(data, package=package)
    copy = data / "workbooks"
    assert synced.notes == []
    assert (copy / "05_governor_report.ipynb").read_bytes() == newer
    assert not list(copy.glob("*.new.ipynb"))
    files = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert files["05_governor_report.ipynb"] == hashlib.sha256(newer).hexdigest()


def test_an_edited_copy_is_kept_and_the_newer_version_waits_beside_it(tmp_path, package):
    data = tmp_path / "data"
    sync_workbooks(data, package=package)
    copy = data / "workbooks"
    edited = _add_cell(copy / "05_governor_report.ipynb", "Our governors also ask about SEND.")
    assert sync_workbooks(data, package=package).notes == []  # edited, nothing newer: quiet
    states = {s.name: s.state for s in workbook_states(data, package=package)}
    assert states["05_governor_report.ipynb"] == "edited"

    newer = _add_cell(package / "05_governor_report.ipynb", "A section added in a new version.")
    synced = sync_workbooks(data, package=package)
    assert (copy / "05_governor_report.ipynb").read_bytes() == edited
    assert (copy / "05_governor_report.new.ipynb").read_bytes() == newer
    assert len(synced.notes) == 1
    note = synced.notes[0]
    assert "\n" not in note and "05_governor_report.new.ipynb" in note
    assert f"careers-review workbooks --reset 05_governor_report --data-dir {data}" in note
    waiting = [s for s in workbook_states(data, package=package) if s.waiting]
    assert [(s.name, s.state, s.waiting) for s in waiting] == [
        ("05_governor_report.ipynb", "newer version waiting", "05_governor_report.new.ipynb")
    ]
    assert sync_workbooks(data, package=package).notes == []  # said once, not at every start
    assert (copy / "05_governor_report.ipynb").read_bytes() == edited
    # Taken by hand (copied over the workbook): the waiting file goes, the copy is up to date.
    shutil.copy(copy / "05_governor_report.new.ipynb", copy / "05_governor_report.ipynb")
    assert sync_workbooks(data, package=package).notes == []
    assert not (copy / "05_governor_report.new.ipynb").exists()
    assert {s.state for s in workbook_states(data, package=package)} == {"as copied"}


def test_a_damaged_manifest_overwrites_nothing(tmp_path, package):
    data = tmp_path / "data"
    sync_workbooks(data, package=package)
    copy = data / "workbooks"
    edited = _add_cell(copy / "03_strategic_plan.ipynb", "Our own note.")
    (copy / MANIFEST).write_text("{not json", encoding="utf-8")
    newer = _add_cell(package / "01_leadership_foundations.ipynb", "New in the package.")
    synced = sync_workbooks(data, package=package)
    assert (copy / "03_strategic_plan.ipynb").read_bytes() == edited
    # Unknown history: an unchanged-looking older copy is not taken to be unedited either.
    assert (copy / "01_leadership_foundations.new.ipynb").read_bytes() == newer
    assert len(synced.notes) == 2


def test_a_workbook_gone_from_the_package_goes_unless_edited(tmp_path, package):
    data = tmp_path / "data"
    sync_workbooks(data, package=package)
    copy = data / "workbooks"
    _add_cell(copy / "03_strategic_plan.ipynb", "Our own note.")
    (package / "03_strategic_plan.ipynb").unlink()
    (package / "hub_summary.ipynb").unlink()
    sync_workbooks(data, package=package)
    assert not (copy / "hub_summary.ipynb").exists()
    states = {s.name: s.state for s in workbook_states(data, package=package)}
    assert states["03_strategic_plan.ipynb"] == "your own"


def test_workbooks_lists_and_reset_restores(tmp_path):
    data = tmp_path / "data"
    listed = run_cli("workbooks", "--data-dir", str(data), timeout=60)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split(maxsplit=1) for line in listed.stdout.splitlines() if line[:2] == "  "]
    assert dict(rows) == dict.fromkeys(NAMES, "as copied"), listed.stdout
    copy = data / "workbooks"
    edited = _add_cell(copy / "04_impact_evaluation.ipynb", "Our own chart goes here.")
    listed = run_cli("workbooks", "--data-dir", str(data), timeout=60)
    line = next(x for x in listed.stdout.splitlines() if "04_impact_evaluation.ipynb" in x)
    assert line.split()[-1] == "edited", listed.stdout

    for name in ("04_impact_evaluation", "04_impact_evaluation.ipynb"):
        reset = run_cli("workbooks", "--reset", name, "--data-dir", str(data), timeout=60)
        assert reset.returncode == 0, reset.stderr
    assert (copy / "04_impact_evaluation.ipynb").read_bytes() == (
        WORKBOOKS / "04_impact_evaluation.ipynb"
    ).read_bytes()
    assert (copy / "04_impact_evaluation.edited.ipynb").read_bytes() == edited
    assert "already the package's version" in reset.stdout

    unknown = run_cli("workbooks", "--reset", "06_nothing", "--data-dir", str(data), timeout=60)
    assert unknown.returncode == 2 and unknown.stdout == ""
    lines = unknown.stderr.strip().splitlines()
    assert len(lines) == 1 and "06_nothing" in lines[0], unknown.stderr
    assert all(name.removesuffix(".ipynb") in lines[0] for name in NAMES)


def test_reset_takes_the_waiting_version(tmp_path, package):
    from careers_review.copies import reset_workbook

    data = tmp_path / "data"
    sync_workbooks(data, package=package)
    copy = data / "workbooks"
    edited = _add_cell(copy / "05_governor_report.ipynb", "Ours.")
    newer = _add_cell(package / "05_governor_report.ipynb", "Theirs.")
    sync_workbooks(data, package=package)
    said = reset_workbook(data, "05_governor_report", package=package)
    assert "05_governor_report.edited.ipynb" in said
    assert (copy / "05_governor_report.ipynb").read_bytes() == newer
    assert (copy / "05_governor_report.edited.ipynb").read_bytes() == edited
    assert not (copy / "05_governor_report.new.ipynb").exists()
    states = {s.name: s.state for s in workbook_states(data, package=package)}
    assert states["05_governor_report.ipynb"] == "as copied"
    assert sync_workbooks(data, package=package).notes == []


@pytest.mark.slow
def test_serve_shows_the_edited_copy_and_still_refuses_files(data_dir, tmp_path):
    """The meeting room sees the careers leader's edit; a voila.json put in the copy cannot
    open the store, a CSV or the manifest to download."""
    copy = sync_workbooks(data_dir).folder
    marker = "Marker from our own copy of the start page"
    edited = _add_cell(copy / "00_start_here.ipynb", marker)
    loose = {"VoilaConfiguration": {"file_allowlist": [".*"], "file_denylist": []}}
    (copy / "voila.json").write_text(json.dumps(loose), encoding="utf-8")
    shutil.copy(data_dir / "careers-review.sqlite", copy / "careers-review.sqlite")
    (copy / "evidence.csv").write_text("secret,row\n", encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with running(serve_command(data_dir, port), f"{base}/voila/tree", log):
        final_url, html = _get(f"{base}/?school=oakfield-academy")
        assert final_url.endswith("/voila/render/00_start_here.ipynb?school=oakfield-academy")
        assert marker in html and "There was an error" not in html
        refused = {}
        for name in ("careers-review.sqlite", "evidence.csv", MANIFEST, "voila.json"):
            try:
                with urllib.request.urlopen(signed_in(f"{base}/voila/files/{name}"), timeout=30):
                    refused[name] = 200
            except urllib.error.HTTPError as error:
                refused[name] = error.code
                assert b"SQLite format" not in error.read()
    assert refused == dict.fromkeys(refused, 403), refused
    assert (copy / "00_start_here.ipynb").read_bytes() == edited  # the serve kept the edit
    assert ".new.ipynb" not in log.read_text()
