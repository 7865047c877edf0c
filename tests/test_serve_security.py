"""The served app as an attacker and as a careers leader meet it: real servers on loopback,
forged headers and raw websocket frames, a real Chromium, bounded loops."""

from __future__ import annotations

import asyncio
import http.cookiejar
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketClosedError

from .conftest import (
    SERVER_PIDS,
    SIGNED_IN,
    WORKBOOKS,
    free_port,
    run_cli,
    running,
    serve_command,
)
from .kernel_ws import connect, kernel_of, message, msg_type_of, read_all, run_async, v1_frame

pytestmark = pytest.mark.slow

PAGE = "/voila/render/00_start_here.ipynb?school=oakfield-academy"
WORKBOOK_NAMES = sorted(p.name for p in WORKBOOKS.glob("*.ipynb"))


def _open(url: str, headers: dict[str, str] | None = None, data: bytes | None = None):
    """(status, body, final url) of one request, following redirects."""
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace"), response.geturl()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode("utf-8", "replace"), url


def _kernels(server_pid: int) -> int:
    """Kernel processes the server started and that are still running."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == server_pid and b"ipykernel" in cmdline:
            count += 1
    return count


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def _wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return check()


@pytest.fixture(scope="module")
def small_server(session_data_dir, tmp_path_factory):
    """A server on another loopback address, for two pages at most, answering one extra name,
    with kernels kept long."""
    port = free_port()
    base = f"http://127.0.0.2:{port}"
    log = tmp_path_factory.mktemp("small") / "server.log"
    extra = ("--ip", "127.0.0.2", "--max-kernels", "2", "--cull-after", "600")
    extra += ("--allow-host", "Review.School.Example")
    with running(serve_command(session_data_dir, port, *extra), f"{base}/voila/tree", log) as p:
        yield base, p


# --- host and origin --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.1", "[::2]"],
)
def test_a_forged_host_gets_403_and_no_data(voila_server, host):
    port = urllib.parse.urlsplit(voila_server).port
    forged = {**SIGNED_IN, "Host": f"{host}:{port}"}
    for path in ("/", PAGE, "/voila/static/voila.js", "/login", "/voila/tree"):
        status, body, _ = _open(voila_server + path, forged)
        assert status == 403, path
        assert body.strip().count("\n") == 0 and body.startswith("Refused:"), body
        assert "Oakfield" not in body
    kernel_id = kernel_of(voila_server + PAGE)

    async def attempt():
        with pytest.raises(HTTPClientError) as refused:
            await connect(voila_server, kernel_id, headers={"Host": f"{host}:{port}"})
        return refused.value.code

    assert run_async(attempt) == 403


def test_own_names_are_answered(voila_server):
    port = urllib.parse.urlsplit(voila_server).port
    for host in ("localhost", "127.0.0.1", "LOCALHOST"):
        status, _, _ = _open(voila_server + "/login", {"Host": f"{host}:{port}"})
        assert status == 200, host


def test_allow_host_adds_a_name_and_nothing_else(small_server):
    base, _ = small_server
    port = urllib.parse.urlsplit(base).port
    answered = [
        _open(base + "/login", {"Host": f"{name}:{port}"})[0]
        for name in ("review.school.example", "127.0.0.2", "localhost", "school.example")
    ]
    assert answered == [200, 200, 200, 403]


def test_other_sites_cannot_reach_the_kernel_or_post(voila_server):
    kernel_id = kernel_of(voila_server + PAGE)
    host = urllib.parse.urlsplit(voila_server).netloc

    async def attempt():
        codes = []
        for origin in ("http://evil.example", "null", f"http://{host}.evil.example"):
            with pytest.raises(HTTPClientError) as refused:
                await connect(voila_server, kernel_id, headers={"Origin": origin})
            codes.append(refused.value.code)
        # The same origin is let through.
        socket = await connect(voila_server, kernel_id, headers={"Origin": f"http://{host}"})
        socket.close()
        return codes

    assert run_async(attempt) == [403, 403, 403]
    status, body, _ = _open(
        f"{voila_server}/voila/api/shutdown/{kernel_id}",
        {**SIGNED_IN, "Origin": "http://evil.example"},
        data=b"_xsrf=x",
    )
    assert status == 403 and body.startswith("Refused:")


def test_kernels_listen_on_no_network_port(voila_server):
    """Another user or program on the machine finds no kernel port to connect to or to take
    before the kernel binds it: kernels listen on Unix sockets in a folder only the server's
    user can enter."""
    import psutil

    kernel_id = kernel_of(voila_server + PAGE)
    server = psutil.Process(SERVER_PIDS[voila_server])
    kernels = [
        child for child in server.children() if any(kernel_id in part for part in child.cmdline())
    ]
    assert len(kernels) == 1, [child.cmdline() for child in server.children()]
    kernel = kernels[0]
    channels = {c.laddr for c in kernel.net_connections(kind="unix") if c.laddr}
    # shell, iopub, stdin, control and heartbeat, each on its own socket file
    assert {path.rsplit("-", 1)[-1] for path in channels} == {"1", "2", "3", "4", "5"}, channels
    for folder in {Path(path).parent for path in channels}:
        assert folder.stat().st_mode & 0o077 == 0, f"{folder} is open to other users"
    # The one TCP listener left is ipykernel's own pipe for output of forked processes: bound in
    # one step (no gap to take it in) and each message must carry a random 16-byte key.
    listening = [c for c in kernel.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert len(listening) <= 1, listening


# --- the kernel websocket ----------------------------------------------------------------------


def test_legacy_protocol_is_refused_and_the_flood_stays_bounded(voila_server, session_data_dir):
    """A client on the legacy protocol asking for every widget's state, over and over: the
    server neither grows nor stops answering others."""
    server_pid = SERVER_PIDS[voila_server]
    kernel_id = kernel_of(voila_server + PAGE)
    before = _rss_mb(server_pid)
    control = message(
        "comm_open",
        {"comm_id": "attack", "target_name": "jupyter.widget.control", "data": {}},
    )
    ask = message("comm_msg", {"comm_id": "attack", "data": {"method": "request_states"}})
    stop = time.monotonic() + 20
    refused: list[int] = []

    async def flood():
        for _ in range(60):  # bounded in count and in time
            if time.monotonic() > stop:
                break
            try:
                socket = await connect(voila_server, kernel_id, protocols=[])
            except HTTPClientError as exc:
                refused.append(exc.code)
                continue
            # Reached only if the legacy protocol were accepted: send the attack.
            for _ in range(50):
                socket.write_message(json.dumps({**control, "channel": "shell"}))
                socket.write_message(json.dumps({**ask, "channel": "shell"}))
            await asyncio.sleep(0.2)
            socket.close()

    attacker = threading.Thread(target=lambda: run_async(flood, timeout=60))
    attacker.start()
    started = time.monotonic()
    status, body, _ = _open(f"{voila_server}/voila/render/00_start_here.ipynb", SIGNED_IN)
    took = time.monotonic() - started
    attacker.join(timeout=90)
    assert status == 200 and "schools in this hub" in body
    assert took < 5, f"another page took {took:.1f} s during the flood"
    assert refused and set(refused) == {400}
    assert _rss_mb(server_pid) - before < 100


def test_widget_messages_bring_back_no_traceback_or_path(voila_server):
    """On the protocol the browser uses, a comm the kernel cannot open makes it print a
    traceback: that stays in the server, and the channel goes on answering."""
    kernel_id = kernel_of(voila_server + PAGE)
    control = message(
        "comm_open", {"comm_id": "ctl", "target_name": "jupyter.widget.control", "data": {}}
    )
    ask = message("comm_msg", {"comm_id": "ctl", "data": {"method": "request_states"}})

    async def talk():
        socket = await connect(voila_server, kernel_id)
        socket.write_message(v1_frame(control), binary=True)
        for _ in range(20):
            socket.write_message(v1_frame(ask), binary=True)
        socket.write_message(v1_frame(message("kernel_info_request", {})), binary=True)
        frames = await read_all(socket, seconds=5)
        socket.close()
        return frames

    frames = run_async(talk)
    kinds = [msg_type_of(f) for f in frames]
    assert "kernel_info_reply" in kinds and "stream" not in kinds and "error" not in kinds
    everything = b"".join(f if isinstance(f, bytes) else f.encode() for f in frames)
    assert b"Traceback" not in everything and str(WORKBOOKS.parent).encode() not in everything


@pytest.mark.parametrize(
    "frame",
    [
        (2**60).to_bytes(8, "little") + b"\0" * 64,  # claims more parts than there are bytes
        (7).to_bytes(8, "little") + (2**40).to_bytes(8, "little") * 7 + b"x" * 40,
        b"\x01\x02",
        "plain text on a binary protocol",
    ],
    ids=["huge-count", "offsets-outside", "too-short", "text-frame"],
)
def test_a_malformed_frame_closes_that_socket_only(voila_server, frame):
    kernel_id = kernel_of(voila_server + PAGE)

    async def talk():
        bad = await connect(voila_server, kernel_id)
        bad.write_message(frame, binary=isinstance(frame, bytes))
        closed = await asyncio.wait_for(bad.read_message(), timeout=10) is None
        good = await connect(voila_server, kernel_id)
        good.write_message(v1_frame(message("kernel_info_request", {})), binary=True)
        replies = [msg_type_of(f) for f in await read_all(good, seconds=5)]
        good.close()
        with pytest.raises(WebSocketClosedError):
            await bad.write_message(v1_frame(message("kernel_info_request", {})), binary=True)
        return closed, bad.close_code, replies

    closed, code, replies = run_async(talk)
    assert closed and code == 1003
    assert "kernel_info_reply" in replies


# --- login -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", WORKBOOK_NAMES)
def test_without_the_token_every_page_is_the_login(voila_server, name):
    for headers in ({}, {"Authorization": "token wrong"}):
        status, body, final = _open(
            f"{voila_server}/voila/render/{name}?school=oakfield-academy", headers
        )
        assert "/login" in final and status == 200
        assert "Oakfield" not in body and "kernelId" not in body


def test_without_the_token_no_data_and_no_kernel(voila_server):
    status, body, final = _open(voila_server + "/?school=oakfield-academy")
    assert "/login" in final and "Oakfield" not in body
    for path in ("/voila/api/contents", "/voila/tree"):
        status, body, final = _open(voila_server + path)
        assert status == 403 or "/login" in final, path
        assert "00_start_here" not in body
    kernel_id = kernel_of(voila_server + PAGE)

    async def attempt():
        with pytest.raises(HTTPClientError) as refused:
            await connect(voila_server, kernel_id, headers={"Authorization": "token wrong"})
        return refused.value.code

    assert run_async(attempt) == 403


@pytest.mark.browser
def test_the_printed_address_opens_the_app_and_closing_a_page_closes_its_kernel(
    session_data_dir, chromium, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    command = serve_command(session_data_dir, port)
    with running(command, f"{base}/login", log, env={"CAREERS_REVIEW_TOKEN": ""}) as server:
        printed = re.search(rf"{re.escape(base)}/\?token=[0-9a-f]{{48}}", log.read_text())[0]
        context = chromium.new_context()
        page = context.new_page()
        try:
            page.goto(printed)
            page.locator("table.cr-school-list").wait_for(timeout=60_000)
            assert "token" not in page.url  # not left on the projector
            page.reload()
            page.locator("table.cr-school-list").wait_for(timeout=60_000)
            page.get_by_role("link", name="Oakfield Academy").click()
            page.get_by_label("Careers Leader", exact=True).wait_for(timeout=60_000)
            assert _wait_until(lambda: _kernels(server.pid) >= 1, 10)
            open_now = _kernels(server.pid)
            page.close(run_before_unload=True)
            assert _wait_until(lambda: _kernels(server.pid) < open_now, 10), log.read_text()
            assert "_xsrf" not in log.read_text()
        finally:
            context.close()
        # A second browser without the address gets the login page.
        other = chromium.new_page()
        try:
            other.goto(base + PAGE)
            assert "/login" in other.url and "Oakfield" not in other.content()
        finally:
            other.close()


def test_password_file_signs_in_a_shared_room(session_data_dir, tmp_path):
    secret_file = tmp_path / "room.password"
    made = run_cli("password", "--to", str(secret_file), input_text="meeting-room-7\n")
    assert made.returncode == 0, made.stderr
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert "meeting-room-7" not in secret_file.read_text()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = serve_command(session_data_dir, port, "--password-file", str(secret_file))
    with running(
        command, f"{base}/login", tmp_path / "serve.log", env={"CAREERS_REVIEW_TOKEN": ""}
    ):
        assert "token=" not in (tmp_path / "serve.log").read_text()
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(base + "/login", timeout=30) as response:
            response.read()
        xsrf = next(c.value for c in jar if c.name == "_xsrf")

        def sign_in(password: str) -> str:
            form = urllib.parse.urlencode(
                {"password": password, "_xsrf": xsrf, "next": PAGE}
            ).encode()
            try:
                with opener.open(base + "/login", data=form, timeout=60) as response:
                    return response.read().decode("utf-8")
            except urllib.error.HTTPError as refused:
                assert refused.code == 401
                return refused.read().decode("utf-8")

        assert "Oakfield" not in sign_in("wrong password")
        assert "Oakfield Academy" in sign_in("meeting-room-7")


def test_a_network_address_needs_a_login(session_data_dir):
    for ip in ("0.0.0.0", "::"):
        result = run_cli(
            "serve", "--ip", ip, "--data-dir", str(session_data_dir),
            env={"CAREERS_REVIEW_TOKEN": ""}, timeout=60,
        )  # fmt: skip
        assert result.returncode == 2, result.stdout + result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "--password-file" in lines[0], result.stderr
        assert result.stdout == ""


# --- kernels -------------------------------------------------------------------------------------


def test_beyond_max_kernels_the_busy_page(small_server):
    base, server = small_server
    for _ in range(2):
        assert "kernelId" in _open(base + PAGE, SIGNED_IN)[1]
    status, body, _ = _open(base + PAGE, SIGNED_IN)
    assert status == 503
    assert "The server is busy" in body and "Try again in a minute" in body
    assert "Oakfield" not in body
    assert _kernels(server.pid) == 2


ROOM = 3  # pages open at once in the long walk


@pytest.mark.browser
@pytest.mark.timeout(1200)
def test_a_long_walk_leaves_no_kernels_and_little_memory(session_data_dir, browser, tmp_path):
    """150 page loads across every workbook in Chromium, each page closed after use, and
    50 plain GETs (a health check, a link preview): once culling has run, nothing is left."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = serve_command(session_data_dir, port, "--cull-after", "4")
    log = tmp_path / "serve.log"
    with running(command, f"{base}/voila/tree", log) as server:
        urls = [f"{base}/voila/render/{name}?school=oakfield-academy" for name in WORKBOOK_NAMES]
        page = browser.new_page()
        page.goto(urls[0], wait_until="load", timeout=120_000)
        page.close(run_before_unload=True)
        first = _rss_mb(server.pid)
        started = time.monotonic()
        loads = 0
        # Three pages at a time, as three laptops in one room: each opened, loaded and closed.
        for n in range(0, 150, ROOM):
            pages = [browser.new_page() for _ in range(ROOM)]
            try:
                for offset, opened in enumerate(pages):
                    opened.goto(urls[(n + offset) % len(urls)], wait_until="commit")
                for opened in pages:
                    opened.wait_for_load_state("load", timeout=120_000)
                    loads += 1
            finally:
                for opened in pages:
                    opened.close(run_before_unload=True)
        walked = time.monotonic()
        for n in range(50):
            status, _, _ = _open(urls[n % len(urls)], SIGNED_IN)
            assert status == 200
        got = time.monotonic()
        _wait_until(lambda: _kernels(server.pid) == 0, 30)  # culling runs every second here
        left = _kernels(server.pid)
        growth = _rss_mb(server.pid) - first
    print(
        f"\n150 pages in {walked - started:.0f} s, 50 GETs in {got - walked:.0f} s; "
        f"kernels after soak: {left}; rss growth MB: {growth:.0f}"
    )
    assert loads == 150
    assert left <= 3
    assert growth <= 400, growth


def test_a_page_waits_for_all_its_output_on_a_busy_server(tmp_path):
    """The page's executor, made from the server's own settings, waits up to IOPUB_WAIT s for
    a cell's output (a plan page's thousand widget messages) rather than Voilà's 4 s, after
    which a page on a busy server opened without its app."""
    import nbformat
    from voila.execute import VoilaExecutor

    from careers_review.app.voila_server import CareersVoila
    from careers_review.serve import IOPUB_WAIT, ServeOptions, voila_argv

    app = CareersVoila()
    app.parse_command_line(voila_argv(WORKBOOKS, ServeOptions()))
    executor = VoilaExecutor(nbformat.v4.new_notebook(), config=app.config)
    assert executor.iopub_timeout == IOPUB_WAIT >= 30
