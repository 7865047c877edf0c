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

import json
import random
import secrets
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _serving import ARGS, ROOT, chromium_path, free_port, start_server
from playwright.sync_api import sync_playwright

from careers_review import default_framework, import_paths
from careers_review.store import DB_NAME


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
    """Words of the sample hub's own evidence, drawn at random."""
    found = []
    for path in sorted((ROOT / "sample_data" / "reviews").glob("*.json")):
        ratings = json.loads(path.read_text(encoding="utf-8")).get("ratings", {})
        found += [word for r in ratings.values() for word in r.get("evidence", "").split()]
    chooser = random.Random(7)
    return " ".join(chooser.choice(found) for _ in range(words))


def _store_bytes(data: Path) -> int:
    return sum(p.stat().st_size for p in data.glob(DB_NAME + "*"))


def main(pages: int = 150, gets: int = 50) -> None:
    fw = default_framework()
    workbooks = sorted(p.name for p in (ROOT / "workbooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        import_paths(data, [ROOT / "sample_data"], fw)
        port, token = free_port(), secrets.token_hex(16)
        base = f"http://127.0.0.1:{port}"
        server = start_server(data, port, token, "--cull-after", "5")
        signed = {"Authorization": f"token {token}"}
        try:
            urls = [f"{base}/voila/render/{n}?school=oakfield-academy" for n in workbooks]
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=ARGS)
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
                box.press_sequentially(text, delay=2, timeout=0)
                page.locator(".cr-save-status", has_text="Saved").wait_for(timeout=60_000)
                time.sleep(1)
                page.close(run_before_unload=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
        ratio = (_store_bytes(data) - before) / len(text.encode("utf-8"))
        parts = {p.name: p.stat().st_size for p in data.glob(DB_NAME + "*")}
    print(f"pages: {pages} in Chromium and {gets} plain GETs in {walked:.0f} s")
    print(f"kernels after soak: {kernels}")
    print(f"rss growth MB: {growth:.0f}")
    print(f"store growth ratio: {ratio:.2f} (typed {len(text):,} characters a key at a time)")
    print(f"store files at the end: {parts}")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    main(*arguments)
