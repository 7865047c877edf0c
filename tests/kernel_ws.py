"""Talking to a served kernel's websocket as a browser (or an attacker) would: raw frames."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from .conftest import SIGNED_IN

V1 = "v1.kernel.websocket.jupyter.org"
T = TypeVar("T")


def message(msg_type: str, content: dict, channel: str = "shell") -> dict[str, Any]:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "test",
        "session": uuid.uuid4().hex,
        "date": "2026-11-23T12:00:00Z",
        "version": "5.3",
    }
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content}


def v1_frame(msg: dict[str, Any], channel: str = "shell") -> bytes:
    """The v1 kernel websocket protocol: offsets, then the channel and each part."""
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata")]
    parts.append(json.dumps(msg["content"]).encode())
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(channel.encode()))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + channel.encode() + b"".join(parts)


def msg_type_of(frame: bytes | str) -> str:
    if isinstance(frame, str):
        return json.loads(frame)["header"]["msg_type"]
    start = int.from_bytes(frame[16:24], "little")
    end = int.from_bytes(frame[24:32], "little")
    return json.loads(frame[start:end])["msg_type"]


def kernel_of(page_url: str, headers: dict[str, str] | None = None) -> str:
    """GET a page (which starts its kernel) and return the kernel's id."""
    request = urllib.request.Request(page_url, headers=SIGNED_IN if headers is None else headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode("utf-8")
    return re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page)[1]


async def connect(
    base: str,
    kernel_id: str,
    *,
    protocols: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> WebSocketClientConnection:
    url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
    request = HTTPRequest(
        url, headers={**SIGNED_IN, **(headers or {})}, connect_timeout=30, request_timeout=30
    )
    return await websocket_connect(request, subprotocols=[V1] if protocols is None else protocols)


async def read_all(socket: WebSocketClientConnection, seconds: float = 5) -> list[bytes | str]:
    """Every frame until the socket closes or stays quiet for `seconds`."""
    frames = []
    try:
        while True:
            frame = await asyncio.wait_for(socket.read_message(), timeout=seconds)
            if frame is None:
                break
            frames.append(frame)
    except TimeoutError:
        pass
    return frames


def run_async(make: Callable[[], Awaitable[T]], timeout: float = 120) -> T:
    """In a thread of its own: Playwright's sync API may hold an event loop in this one."""

    async def main() -> T:
        return await make()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result(timeout=timeout)
