"""A long facilitated session on the served app: what it leaves behind in kernels, memory and
store bytes.

Run: .venv/bin/python benchmarks/serve_soak.py [PAGES] [GETS]
Starts `careers-review serve --cull-after 5` on the sample hub in a temporary data directory
and, with Debian's Chromium:
  1. opens one page (the baseline: the server's memory after its first page);
  2. opens PAGES pages (default 150) across every workbook, closing each after use, and makes
     GETS plain requests (default 50) that never open a websocket;
  3. types a 2,000-word evidence text into the first theme of the review, a key at a time.
Prints:
  kernels after soak: N     live kernels once culling has run
  rss growth MB: X          server memory at the end minus after the first page
  store growth ratio: R     store bytes added while typing / bytes typed
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from careers_review import default_framework, import_paths
from careers_review.store import DB_NAME

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WORDS = [
    "careers",
    "leader",
    "governors",
    "employers",
    "encounters",
    "destinations",
    "pupils",
    "plan",
    "evidence",
    "benchmark",
    "survey",
    "parents",
    "apprenticeships",
    "college",
    "guidance",
    "adviser",
    "year",
    "budget",
    "impact",
]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _kernels(pid: int) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid and b"ipykernel" in (entry / "cmdline").read_bytes():
                count += 1
        except (OSError, ValueError, IndexError):
            continue
    return count


def _text(words: int) -> str:
    chooser = random.Random(7)
    return " ".join(chooser.choice(WORDS) for _ in range(words)) + "."


def _store_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in data.glob(DB_NAME + "*"))


def main(pages: int = 150, gets: int = 50) -> None:
    fw = default_framework()
    workbooks = sorted(p.name for p in (ROOT / "workbooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        import_paths(data, [ROOT / "sample_data"], fw)
        port, token = _port(), secrets.token_hex(16)
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "careers_review", "serve", "--port", str(port)]
        server = subprocess.Popen(
            [*command, "--data-dir", str(data), "--cull-after", "5"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, "CAREERS_REVIEW_TOKEN": token},
        )
        signed = {"Authorization": f"token {token}"}
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/login", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            urls = [f"{base}/voila/render/{n}?school=oakfield-academy" for n in workbooks]
            chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
                page = browser.new_page(extra_http_headers=signed)
                page.goto(urls[0], wait_until="load", timeout=120_000)
                page.close(run_before_unload=True)
                first = _rss_mb(server.pid)
                started = time.perf_counter()
                for n in range(pages):
                    page = browser.new_page(extra_http_headers=signed)
                    page.goto(urls[n % len(urls)], wait_until="load", timeout=120_000)
                    page.close(run_before_unload=True)
                for n in range(gets):
                    request = urllib.request.Request(urls[n % len(urls)], headers=signed)
                    with urllib.request.urlopen(request, timeout=120) as response:
                        response.read()
                walked = time.perf_counter() - started
                for _ in range(120):
                    if _kernels(server.pid) <= 1:
                        break
                    time.sleep(0.5)
                kernels, growth = _kernels(server.pid), _rss_mb(server.pid) - first

                text = _text(2000)
                before = _store_bytes(data)
                page = browser.new_page(extra_http_headers=signed)
                page.goto(f"{base}/voila/render/02_internal_review.ipynb?school=oakfield-academy")
                theme = fw.themes[0]
                page.get_by_text(f"{theme.name}: ", exact=False).first.click(timeout=60_000)
                box = page.locator(f".cr-theme-{theme.id} textarea").first
                box.fill("")
                box.press_sequentially(text, delay=5)
                page.locator(".cr-save-status", has_text="Saved").wait_for(timeout=60_000)
                time.sleep(1)
                page.close(run_before_unload=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        ratio = (_store_bytes(data) - before) / len(text.encode("utf-8"))
    print(f"pages: {pages} in Chromium and {gets} plain GETs in {walked:.0f} s")
    print(f"kernels after soak: {kernels}")
    print(f"rss growth MB: {growth:.0f}")
    print(f"store growth ratio: {ratio:.2f} (typed {len(text):,} characters a key at a time)")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    main(*arguments)
