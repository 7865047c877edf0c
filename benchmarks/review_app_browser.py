"""Review app in a real browser: how long until the team can work, and until a click is saved.

Run: .venv/bin/python benchmarks/review_app_browser.py [RUNS]
Starts `careers-review serve` on the sample hub in a temporary data directory, drives Debian's
Chromium with Playwright, and prints medians of RUNS (default 5):
  baseline  navigation to the start page's school list (a kernel, no widgets)
  review    navigation to the first theme panel usable (its level choices visible)
  echo      click on a level to the status saying "Saving…" (one round trip to the kernel)
  saved     click on a level to the status saying "Saved hh:mm:ss" (autosave delay included)
and the ratios review/baseline and saved/echo.
"""

from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _serving import ARGS, ROOT, chromium_path, free_port, start_server
from playwright.sync_api import sync_playwright

from careers_review import default_framework, import_paths


def main(runs: int = 5) -> None:
    fw = default_framework()
    first = fw.themes[0]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        import_paths(data, [ROOT / "sample_data"], fw)
        port = free_port()
        token = secrets.token_hex(16)
        server = start_server(data, port, token)
        base = f"http://127.0.0.1:{port}"
        try:
            baseline, review, echo, saved = [], [], [], []
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium_path(), args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{base}/?token={token}")  # signed in from here on, as a user is
                page.locator("table.cr-school-list").wait_for(timeout=60_000)
                for run in range(runs):
                    start = time.perf_counter()
                    page.goto(base + "/")
                    page.locator("table.cr-school-list").wait_for(timeout=60_000)
                    baseline.append(time.perf_counter() - start)

                    start = time.perf_counter()
                    page.goto(
                        f"{base}/voila/render/02_internal_review.ipynb?school=oakfield-academy"
                    )
                    page.get_by_text(f"{first.name}: ", exact=False).first.click(timeout=60_000)
                    panel = page.locator(f".cr-theme-{first.id}")
                    panel.get_by_label("Not agreed yet").wait_for(state="visible")
                    review.append(time.perf_counter() - start)

                    status = page.locator(".cr-save-status")
                    for level in (fw.levels[run % 2], fw.levels[2 + run % 2]):
                        time.sleep(1.1)  # a new second, so "Saved hh:mm:ss" text changes
                        before = status.inner_text()
                        start = time.perf_counter()
                        panel.get_by_label(f"{level.number} {level.name}", exact=True).check()
                        page.wait_for_function(
                            "el => el.innerText.startsWith('Saving')",
                            arg=status.element_handle(),
                            polling=10,
                        )
                        echo.append(time.perf_counter() - start)
                        page.wait_for_function(
                            "([el, before]) => el.innerText.startsWith('Saved')"
                            " && el.innerText !== before",
                            arg=[status.element_handle(), before],
                            polling=10,
                        )
                        saved.append(time.perf_counter() - start)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)

    med = {
        name: statistics.median(v)
        for name, v in (
            ("baseline", baseline),
            ("review", review),
            ("echo", echo),
            ("saved", saved),
        )
    }
    print(f"runs: {runs} (click timings: {len(saved)})")
    print(f"baseline  start page list visible:      {med['baseline']:.2f} s median")
    print(f"review    first theme panel usable:     {med['review']:.2f} s median")
    print(f"echo      click to 'Saving…':           {med['echo'] * 1000:.0f} ms median")
    print(f"saved     click to 'Saved hh:mm:ss':    {med['saved'] * 1000:.0f} ms median")
    print(f"ratio review/baseline: {med['review'] / med['baseline']:.2f}")
    print(f"ratio saved/echo:      {med['saved'] / med['echo']:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
