"""`careers-review serve`: the real Voilà server, read over HTTP and in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from html import unescape
from pathlib import Path

import nbformat
import pytest

from careers_review import Store

from .conftest import (
    ROOT,
    SAMPLE,
    TEST_TOKEN,
    WORKBOOKS,
    free_port,
    open_every_step,
    running,
    serve_command,
    signed_in,
)
from .kernel_ws import connect, kernel_of, message, msg_type_of, read_all, run_async, v1_frame

pytestmark = pytest.mark.slow


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
    """The final URL and the page's text, with the kernel's outputs (embedded as JSON
    strings in the page) decoded so they read as a person would see them."""
    request = signed_in(url) if headers is None else urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode("utf-8")
        decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), page)
        return response.geturl(), unescape(decoded)


def test_root_opens_start_page_listing_the_hub(voila_server, session_data_dir):
    final_url, html = _get(voila_server + "/")
    assert final_url.endswith("/voila/render/00_start_here.ipynb")
    with Store(session_data_dir) as store:
        schools = store.schools()
    assert len(schools) >= 8
    for school in schools:
        assert school.name in html, school.name
    # Served as an app: no code shown, no traceback.
    assert "show_start_page" not in html
    assert "Traceback" not in html


def test_school_query_opens_that_school(voila_server, session_data_dir):
    with Store(session_data_dir) as store:
        school = store.schools()[-1]
    final_url, html = _get(f"{voila_server}/?school={school.id}")
    assert final_url.endswith(f"00_start_here.ipynb?school={school.id}")
    assert f"<h1 class='cr-school-name'>{school.name}</h1>" in html
    # The roadmap, in the page as the server sends it, leads on for the same school.
    assert "class='cr-roadmap" in html
    assert "02_internal_review.ipynb?school=" + school.id in html


@pytest.mark.browser
def test_start_page_in_chromium_lists_schools_and_opens_one(
    voila_server, session_data_dir, browser
):
    with Store(session_data_dir) as store:
        school = store.schools()[1]
    page = browser.new_page()
    try:
        page.goto(voila_server + "/", wait_until="domcontentloaded")
        table = page.locator("table.cr-school-list")
        table.wait_for(timeout=60_000)
        assert table.locator("tr").count() >= 9  # header and one row a school
        table.get_by_role("link", name=school.name).click()
        heading = page.locator("h1.cr-school-name")
        heading.wait_for(timeout=60_000)
        assert heading.inner_text() == school.name
        assert f"school={school.id}" in page.url
        leader = page.get_by_label("Careers Leader", exact=True)
        leader.wait_for(timeout=30_000)
        assert leader.input_value() == school.careers_leader.name
        open_every_step(page)
        session = page.locator(".cr-step-session")
        assert "Who should attend" in session.inner_text()
        assert "How the session runs" in session.inner_text()
    finally:
        page.close()


def test_lab_serves_the_workbooks_folder(session_data_dir, tmp_path):
    """`careers-review lab`: JupyterLab opens on the workbooks folder."""
    port, token = free_port(), "test-token"
    env = {
        "JUPYTER_TOKEN": token,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
    }
    command = [
        sys.executable,
        "-m",
        "careers_review",
        "lab",
        "--no-browser",
        "--allow-root",
        "--port",
        str(port),
        "--data-dir",
        str(session_data_dir),
    ]
    base = f"http://127.0.0.1:{port}"
    ready = f"{base}/api/status?token={token}"
    with (
        running(command, ready, tmp_path / "lab.log", env=env),
        urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=30) as response,
    ):
        names = {item["name"] for item in json.load(response)["content"]}
    assert "00_start_here.ipynb" in names


def test_make_app_imports_the_sample_hub_and_serves_it(tmp_path):
    """The README's first command, on a free port and a fresh data directory: it prints the
    address with a new token, and only that address opens the app."""
    port = free_port()
    venv = Path(sys.executable).parent.parent
    command = ["make", "app", f"VENV={venv}", f"PORT={port}", f"DATA={tmp_path / 'data'}"]
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "app.log"
    with running(command, f"{base}/login", log, seconds=180, env={"CAREERS_REVIEW_TOKEN": ""}):
        printed = re.search(rf"{re.escape(base)}/\?token=([0-9a-f]{{48}})", log.read_text())
        assert printed, log.read_text()
        token = {"Authorization": f"token {printed[1]}"}
        final_url, html = _get(f"{base}/", token)
        _, start = _get(f"{base}/?school=oakfield-academy", token)
        login_url, login_page = _get(f"{base}/", {})
    assert TEST_TOKEN not in log.read_text()
    assert "/login" in login_url and "Oakfield Academy" not in login_page
    # The sample evidence was put where the served app looks for it: the roadmap finds it.
    assert "5 of 5 evidence files" in start
    assert final_url.endswith("/voila/render/00_start_here.ipynb")
    assert f"{len(list((SAMPLE / 'schools').glob('*.json')))} schools in this hub." in html
    assert "Oakfield Academy" in html


def test_server_settings_from_the_repo(session_data_dir, tmp_path):
    """workbooks/voila.json: no file downloads but images, no hopping to another port,
    and a failing cell shows no traceback."""
    folder = tmp_path / "workbooks"
    shutil.copytree(WORKBOOKS, folder)
    shutil.copy(session_data_dir / "careers-review.sqlite", folder / "careers-review.sqlite")
    (folder / "evidence.csv").write_text("secret,row\n", encoding="utf-8")
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_code_cell("secret_value = 42\n1 / 0")]
    nbformat.write(broken, folder / "broken.ipynb")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = serve_command(session_data_dir, port, "--workbooks", str(folder))
    with running(command, f"{base}/voila/tree", tmp_path / "serve.log"):
        # Each of these files is in the served folder; none may be downloaded.
        for name in ("voila.json", "00_start_here.ipynb", "careers-review.sqlite", "evidence.csv"):
            assert (folder / name).exists()
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(signed_in(f"{base}/voila/files/{name}"), timeout=30)
            assert refused.value.code == 403, name
            assert b"SQLite format" not in refused.value.read()
        _, html = _get(f"{base}/voila/render/broken.ipynb")

        second = subprocess.run(
            serve_command(session_data_dir, port),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert second.returncode != 0
    assert f"http://127.0.0.1:{port + 1}" not in second.stdout + second.stderr
    assert "ZeroDivisionError" not in html and "secret_value" not in html
    assert "There was an error when executing cell" in html


def test_browser_cannot_run_code_in_the_kernel(voila_server, tmp_path):
    """Only widget messages reach a served kernel: an execute request is dropped."""
    marker = tmp_path / "ran.txt"
    kernel_id = kernel_of(f"{voila_server}/?school=oakfield-academy")
    execute = message(
        "execute_request",
        {
            "code": f"open({str(marker)!r}, 'w').write('ran')",
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
        },
    )

    async def talk() -> list[str]:
        socket = await connect(voila_server, kernel_id)
        socket.write_message(v1_frame(message("kernel_info_request", {})), binary=True)
        socket.write_message(v1_frame(execute), binary=True)
        frames = await read_all(socket)
        socket.close()
        return [msg_type_of(frame) for frame in frames]

    replies = run_async(talk)
    assert "kernel_info_reply" in replies  # the channel was live
    assert "execute_reply" not in replies and "execute_input" not in replies
    assert not marker.exists()
