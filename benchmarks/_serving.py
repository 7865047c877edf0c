"""What the browser benchmarks share: a served sample hub and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def start_server(data: Path, port: int, token: str, *extra: str) -> subprocess.Popen:
    """`careers-review serve` with a known token, once it answers."""
    command = [sys.executable, "-m", "careers_review", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--data-dir", str(data), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "CAREERS_REVIEW_TOKEN": token},
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    return server
