"""Voilà as the product serves it: `/` (with its query, e.g. ?school=) opens the start page,
and every request passes the guards in `guards.py` first."""

from __future__ import annotations

import tempfile

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from traitlets import Int, List, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..resources import START_PAGE
from .guards import (
    GuardedApplication,
    GuardedKernelWebsocketHandler,
    GuardedVoilaHandler,
    KernelCap,
    allowed_names,
)

__all__ = ["CareersVoila"]

_REPLACED = {
    TornadoVoilaHandler: GuardedVoilaHandler,
    VoilaKernelWebsocketHandler: GuardedKernelWebsocketHandler,
}


class CareersVoila(Voila):
    allow_hosts = List(
        Unicode(), config=True, help="Host names answered besides 127.0.0.1, localhost and ::1."
    )
    max_kernels = Int(20, config=True, help="Most kernels at once; 0 for no limit.")

    def init_handlers(self) -> list:
        start = url_path_join(self.server_url, "voila/render", START_PAGE)
        home = (
            url_path_join(self.server_url, "/?"),
            RedirectHandler,
            {"url": start, "permanent": False},
        )
        handlers = [home]
        for pattern, handler, *rest in super().init_handlers():
            handlers.append((pattern, _REPLACED.get(handler, handler), *rest))
        return handlers

    def start(self) -> None:
        # Voilà's start(), with the guarded application in place of tornado's.
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        settings["careers_kernel_cap"] = KernelCap(self.kernel_manager, self.max_kernels)
        self.app = GuardedApplication(
            allowed_hosts=allowed_names(self.allow_hosts, self.ip), **settings
        )
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        self.listen()
