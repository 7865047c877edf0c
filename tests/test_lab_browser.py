"""A careers leader adds a chart to the impact workbook in JupyterLab (`careers-review lab`,
driven in headless Chromium), saves it, and the meeting room (`careers-review serve`) shows it."""

from __future__ import annotations

import re
import shutil
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from careers_review.workspace import EVIDENCE_FOLDER

from .conftest import SAMPLE, SIGNED_IN, free_port, running, serve_command

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WORKBOOK = "04_impact_evaluation.ipynb"
SCHOOL = "oakfield-academy"
#: What the added cell prints; built from two strings in the cell, so only its output has it.
MARKER = "Chart added by the careers leader"

#: The README's worked example: 04's destinations step (`destinations =
#: impact.destinations()`) holds its figures in `destinations.frame`, a DataFrame.
DESTINATIONS_CELL = (
    'ax = destinations.frame.plot.barh(y="School", title="Where our leavers went")\n'
    'print("Chart added by " + "the careers leader")'
)
ADDED_CELL = DESTINATIONS_CELL


def _lab_command(data_dir: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "careers_review",
        "lab",
        "--no-browser",
        "--allow-root",  # the CI runner may be root
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]


def _lab_env(tmp_path: Path) -> dict[str, str]:
    """JupyterLab's own state kept out of the user's home; no fixed token (lab makes one)."""
    return {
        "JUPYTER_TOKEN": "",
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces"),
    }


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as refused:
        return refused.code


def _saved_cell(path: Path, seconds: float = 20) -> str:
    """The saved notebook's last cell, once it is the added one (or when time is up)."""
    deadline = time.monotonic() + seconds
    source = ""
    while time.monotonic() < deadline:
        try:
            source = nbformat.read(path, as_version=4).cells[-1].source
        except (OSError, ValueError):  # being written
            source = ""
        if source == ADDED_CELL:
            break
        time.sleep(0.2)
    return source


def _add_cell_run_all_and_save(page, url: str) -> None:
    page.goto(url, timeout=60_000)
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 30
    while cells.count() < 3 and time.monotonic() < deadline:  # the workbook's cells rendered
        time.sleep(0.1)
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for(timeout=60_000)  # kernel ready
    # The careers leader names the school in the parameters cell, as the workbook says.
    cells.nth(1).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(f'\nschool_id = "{SCHOOL}"')
    cells.last.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("b")  # a new cell below the last
    page.keyboard.press("Enter")  # edit it
    page.keyboard.insert_text(ADDED_CELL)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    added = cells.last
    try:
        added.locator(".jp-OutputArea-output img").wait_for(timeout=60_000)
        added.locator(".jp-OutputArea-output", has_text=MARKER).wait_for(timeout=10_000)
    except Exception:
        errors = page.locator(".jp-OutputArea-output[data-mime-type*='error']").all_inner_texts()
        pytest.fail(f"the added cell showed no chart; errors in the notebook: {errors}")
    # The kernel was given the data directory: the workbook opened the sample school.
    assert page.locator(".jp-Notebook h1.cr-school-name", has_text="Oakfield Academy").count() == 1
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")


@pytest.mark.timeout(240)
def test_a_chart_added_in_lab_is_what_serve_shows(data_dir, chromium, tmp_path):
    assert MARKER not in ADDED_CELL  # the served page can only show it by running the cell
    started = time.monotonic()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "lab.log"
    copy = data_dir / "workbooks"
    evidence = data_dir / EVIDENCE_FOLDER / SCHOOL  # where the served app looks for files
    evidence.mkdir(parents=True)
    shutil.copy(SAMPLE / "evidence" / "ks5_destinations_sample.csv", evidence)
    with running(_lab_command(data_dir, port), f"{base}/login", log, env=_lab_env(tmp_path)):
        printed = re.search(rf"{re.escape(base)}/lab\?token=([0-9a-f]{{48}})", log.read_text())
        assert printed, log.read_text()
        token = printed[1]
        assert (copy / WORKBOOK).is_file()  # the copy was made on first use
        assert _status(f"{base}/api/contents") == 403  # no token, no files
        assert _status(f"{base}/api/contents?token={token}") == 200
        with socket.socket() as other, pytest.raises(OSError):  # loopback only
            other.settimeout(5)
            other.connect(("127.0.0.2", port))
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            _add_cell_run_all_and_save(page, f"{base}/lab/tree/{WORKBOOK}?token={token}")
            saved = _saved_cell(copy / WORKBOOK)
        except BaseException:
            page.screenshot(path=str(tmp_path / "lab.png"))
            raise
        finally:
            context.close()
    assert saved == ADDED_CELL
    in_lab = time.monotonic() - started

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with running(serve_command(data_dir, port), f"{base}/voila/tree", log):
        context = chromium.new_context(extra_http_headers=SIGNED_IN)
        page = context.new_page()
        try:
            page.goto(f"{base}/voila/render/{WORKBOOK}?school={SCHOOL}", timeout=60_000)
            cell = page.locator(".jp-Cell").filter(has_text=MARKER)
            cell.locator("img").wait_for(timeout=60_000)
            shown = cell.inner_text()
            html = page.content()
        finally:
            context.close()
    assert MARKER in shown and "There was an error" not in html
    assert ".new.ipynb" not in log.read_text()  # the edit is the workbook: nothing waits
    took = time.monotonic() - started
    print(f"\nin JupyterLab {in_lab:.1f} s; with the served page {took:.1f} s")
