"""Shared fixtures: the sample hub in a fresh store, a running Voilà server, a real Chromium."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from careers_review import Store, default_framework, import_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
WORKBOOKS = ROOT / "workbooks"
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
#: The login token of the servers the tests start (a real user gets a new one at each start).
TEST_TOKEN = "test-" + secrets.token_hex(12)
SIGNED_IN = {"Authorization": f"token {TEST_TOKEN}"}
#: The process of each server a fixture started, by base URL.
SERVER_PIDS: dict[str, int] = {}


def need_shared(relative: str) -> Path:
    """A file from ../shared: skipped in a user's clone without it, a failure in CI."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is not here (the shared folder sits beside the checkout in CI)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, input_text: str = ""
) -> subprocess.CompletedProcess:
    """The real command, in its own process, as a user types it."""
    return subprocess.run(
        [sys.executable, "-m", "careers_review", *args],
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory holding the sample hub."""
    folder = tmp_path / "data"
    with Store(folder) as store:
        import_paths(store, [SAMPLE], default_framework())
    return folder


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hub") / "data"
    with Store(folder) as store:
        import_paths(store, [SAMPLE], default_framework())
    return folder


def signed_in(url: str) -> urllib.request.Request:
    """A request to a test server, with its token."""
    return urllib.request.Request(url, headers=SIGNED_IN)


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(signed_in(url), timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


@contextmanager
def running(
    command: list[str], ready_url: str, log: Path, *, env: dict | None = None, seconds: float = 90
) -> Iterator[subprocess.Popen]:
    """A server process (and its children) for the length of the block, once `ready_url` answers."""
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
            env={**os.environ, "CAREERS_REVIEW_TOKEN": TEST_TOKEN, **(env or {})},
        )
    try:
        _wait_for(ready_url, process, seconds)
        yield process
    except Exception:
        print(log.read_text())
        raise
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def serve_command(data_dir: Path, port: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "careers_review",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *extra,
    ]


@pytest.fixture(scope="session")
def voila_server(session_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`careers-review serve` on a free port over the sample hub; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("voila") / "server.log"
    url = f"http://127.0.0.1:{port}"
    # Many tests share it, and the attack tests leave kernels no page will close: more room
    # and quicker culling than the defaults, which test_serve_security.py checks on their own.
    command = serve_command(session_data_dir, port, "--max-kernels", "50", "--cull-after", "30")
    with running(command, f"{url}/voila/tree", log) as process:
        SERVER_PIDS[url] = process.pid
        yield url


def chromium_path() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


class SignedInBrowser:
    """Chromium whose every new page carries the test servers' token, as a user's browser
    carries the login cookie once they have opened the printed address."""

    def __init__(self, browser: object) -> None:
        self.browser = browser

    def new_page(self, **options: object) -> object:
        return self.browser.new_page(extra_http_headers=SIGNED_IN, **options)


@pytest.fixture(scope="session")
def browser(chromium: object) -> SignedInBrowser:
    return SignedInBrowser(chromium)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Real headless Chromium driven by Playwright, signed in nowhere."""
    sync_api = pytest.importorskip("playwright.sync_api")
    path = chromium_path()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


def open_every_step(page, timeout: float = 30_000) -> None:
    """Open each closed step of a workbook page, as a user reading all of it would: a step
    that is done starts closed, showing only its one-line summary."""
    page.locator(".cr-next a, .cr-step").first.wait_for(timeout=timeout)
    closed = page.locator(".cr-step:not(.cr-step-open) > .cr-step-head .cr-step-toggle")
    for _ in range(page.locator(".cr-step").count()):
        if closed.count() == 0:
            break
        closed.first.click()
        page.wait_for_timeout(100)
    page.wait_for_function(
        "() => !document.querySelector('.cr-step:not(.cr-step-open)')", timeout=timeout
    )


def step_toggle(page, title: str):
    """The header button of the step with this title: its name is the title, after the
    open-or-closed icon (a glyph of the icon font, which the name computed in Chromium holds)."""
    name = re.compile(r"^[\ue000-\uf8ff\s]*" + re.escape(title) + r"$")
    return page.locator(".cr-step-head").get_by_role("button", name=name)


def open_step(page, title: str, timeout: float = 30_000):
    """Open the step with this title, as a user clicks its header, unless it is open already;
    returns the step's box once its body is shown."""
    toggle = step_toggle(page, title)
    step = page.locator(".cr-step").filter(has=toggle)
    step.wait_for(timeout=timeout)
    if "cr-step-open" not in (step.get_attribute("class") or "").split():
        toggle.click()
    wait_until_open(step, timeout)
    return step


def wait_until_open(step, timeout: float = 30_000) -> None:
    """Wait until a step is open and its body is drawn."""
    step.and_(step.page.locator(".cr-step-open")).wait_for(timeout=timeout)
    step.locator(":scope > .cr-step-body > *").first.wait_for(state="visible", timeout=timeout)
