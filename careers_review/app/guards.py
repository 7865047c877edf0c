"""What stands between a browser and the served kernels.

Voilà's own server answers any Host header, reads every binary websocket frame without
checking its length, never sets the cookie its page-close request needs, and starts a kernel
for every page load. Each class here closes one of those gaps; `CareersVoila` wires them in.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from importlib.resources import files
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from tornado import httputil, web
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

__all__ = [
    "LOOPBACK_NAMES",
    "GuardedApplication",
    "GuardedKernelWebsocketHandler",
    "GuardedVoilaHandler",
    "KernelCap",
    "allowed_names",
    "frame_parts",
    "host_name",
]

#: The names every server answers to; `--allow-host` adds more.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
#: A kernel message has a channel and at most a few dozen parts (header, parent header,
#: metadata, content, buffers); anything claiming more is not a message.
MAX_FRAME_PARTS = 64
#: The offsets of the smallest message: the channel's start and end, then the ends of
#: header, parent header, metadata and content.
MESSAGE_OFFSETS = 6


def host_name(netloc: str) -> str:
    """`Host: Example.org:8866` -> `example.org`; `[::1]:8866` -> `::1`."""
    host = netloc.strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host[1:]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def allowed_names(extra: Iterable[str] = (), bound_ip: str = "") -> frozenset[str]:
    """Loopback names, the names given, and the address the server listens on if it is one."""
    names = set(LOOPBACK_NAMES) | {host_name(name) for name in extra if name.strip()}
    if bound_ip:
        try:
            address = ipaddress.ip_address(bound_ip)
        except ValueError:
            names.add(host_name(bound_ip))
        else:
            if not address.is_unspecified:
                names.add(str(address))
    return frozenset(names)


class RefusedHandler(web.RequestHandler):
    """403 with one line, for every method and for websocket upgrades alike."""

    def initialize(self, reason: str) -> None:
        self.reason = reason

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f"Refused: {self.reason}\n")


class GuardedApplication(web.Application):
    """Refuses, before any handler runs, a request whose Host is not one of the server's
    names (DNS rebinding) or whose Origin is another site (a page in another tab)."""

    def __init__(self, *args: Any, allowed_hosts: frozenset[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_hosts = allowed_hosts

    def refusal(self, request: httputil.HTTPServerRequest) -> str:
        """Why the request is refused, or '' when it may go on."""
        host_header = request.headers.get("Host", "")
        if host_name(host_header) not in self.allowed_hosts:
            return "this server does not answer to that host name"
        origin = request.headers.get("Origin") or request.headers.get("Sec-Websocket-Origin")
        if origin is not None:
            parts = urlsplit(origin.strip().lower())
            same = parts.scheme in ("http", "https") and parts.netloc == host_header.lower()
            if not same:
                return "requests from other sites are not accepted"
        return ""

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> Any:
        reason = self.refusal(request)
        if reason:
            return self.get_handler_delegate(request, RefusedHandler, {"reason": reason})
        return super().find_handler(request, **kwargs)


class KernelCap:
    """At most `limit` kernels: live ones plus pages being rendered (each about to start one).

    A page still rendering is counted with its kernel, so near the limit a second page may be
    turned away a moment early; never is one more kernel started than the limit.
    """

    def __init__(self, manager: Any, limit: int) -> None:
        self.manager = manager
        self.limit = limit
        self.rendering = 0

    def reserve(self) -> bool:
        if self.limit and len(self.manager.list_kernel_ids()) + self.rendering >= self.limit:
            return False
        self.rendering += 1
        return True

    def release(self) -> None:
        self.rendering -= 1


def _busy_page() -> str:
    return files(__package__).joinpath("busy.html").read_text(encoding="utf-8")


class GuardedVoilaHandler(TornadoVoilaHandler):
    """A page: turned away when the server is full, and given the `_xsrf` cookie that the
    page's close request (a form post from the browser) must carry to shut its kernel."""

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        if self.get_query_argument("token", None) is not None:
            # Signed in (the cookie is set): take the token out of the address bar, which a
            # meeting room sees on the projector.
            kept = [
                (name, value.decode("utf-8", "replace"))
                for name, values in self.request.query_arguments.items()
                if name != "token"
                for value in values
            ]
            self.redirect(httputil.url_concat(self.request.path, kept))
            return
        cap: KernelCap = self.settings["careers_kernel_cap"]
        if not cap.reserve():
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(_busy_page())
            return
        try:
            _ = self.xsrf_token  # sets the cookie
            await super().get(path)
        finally:
            cap.release()


def frame_parts(frame: bytes) -> int:
    """How many parts a v1 kernel frame holds, after checking that every offset in its
    header lies inside the frame and in order; 0 when it is not a well-formed frame."""
    size = len(frame)
    if size < 8:
        return 0
    count = int.from_bytes(frame[:8], "little")
    if count < 2 or count > MAX_FRAME_PARTS or 8 * (count + 1) > size:
        return 0
    offsets = [int.from_bytes(frame[8 * i : 8 * (i + 1)], "little") for i in range(1, count + 1)]
    if offsets[0] != 8 * (count + 1) or offsets[-1] != size:
        return 0
    if any(later < earlier for earlier, later in pairwise(offsets)):
        return 0
    return count


class GuardedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """The kernel channel, on the v1 protocol only, closing on the first malformed frame."""

    async def get(self, *args: Any, **kwargs: Any) -> None:
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if V1_PROTOCOL not in {p.strip() for p in offered.split(",")}:
            self.set_status(400)
            self.finish(f"Refused: only the {V1_PROTOCOL} kernel protocol is accepted\n")
            return
        await super().get(*args, **kwargs)

    def on_message(self, message: str | bytes) -> None:
        if not isinstance(message, bytes) or frame_parts(message) < MESSAGE_OFFSETS:
            self.log.warning("Closing a kernel websocket that sent a malformed frame")
            self.close(1003, "malformed frame")
            return
        try:
            super().on_message(message)
        except Exception:
            self.log.warning("Closing a kernel websocket whose message could not be read")
            self.close(1003, "unreadable message")

    def write_message(self, message: Any, binary: bool = False) -> Any:
        # Voilà's own filter reads a frame's header without bounds; frames here are the
        # kernel's, so the bounded reader is enough. Besides the code a cell ran, printed
        # output and tracebacks stay in the server: a page shows widgets, never a console,
        # and a traceback names the server's files.
        if isinstance(message, bytes):
            kind = _msg_type(message) if frame_parts(message) >= 3 else ""
        elif isinstance(message, dict):
            kind = str((message.get("header") or {}).get("msg_type", ""))
        else:
            kind = ""
        if kind in _KEPT_IN_SERVER:
            return None
        return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)


_KEPT_IN_SERVER = frozenset({"execute_input", "error", "stream"})


def _msg_type(frame: bytes) -> str:
    start = int.from_bytes(frame[16:24], "little")
    end = int.from_bytes(frame[24:32], "little")
    try:
        return str(json.loads(frame[start:end]).get("msg_type", ""))
    except (ValueError, AttributeError):
        return ""
