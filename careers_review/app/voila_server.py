"""Voilà as the product serves it: `/` (with its query, e.g. ?school=) opens the start page,
every request passes the guards in `guards.py` first, and each page comes from the product's
own template (`voila_template/`), which asks nothing of another machine."""

from __future__ import annotations

import tempfile
from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from traitlets import Int, List, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..resources import START_PAGE
from .common import page_css
from .guards import (
    GuardedApplication,
    GuardedKernelWebsocketHandler,
    GuardedVoilaHandler,
    KernelCap,
    allowed_names,
)

__all__ = ["TEMPLATE", "CareersVoila", "page_resources"]

#: The product's page template: lab's page without its CDN links, with our style and script.
TEMPLATE = Path(__file__).resolve().parent / "voila_template"

_REPLACED = {
    TornadoVoilaHandler: GuardedVoilaHandler,
    VoilaKernelWebsocketHandler: GuardedKernelWebsocketHandler,
}


class CareersVoila(Voila):
    allow_hosts = List(
        Unicode(), config=True, help="Host names answered besides 127.0.0.1, localhost and ::1."
    )
    max_kernels = Int(20, config=True, help="Most kernels at once; 0 for no limit.")

    def setup_template_dirs(self) -> None:
        """Lab's template as Voilà finds it, with ours first so that its page is the one
        served; lab's static files stay where Voilà's handlers look for them."""
        super().setup_template_dirs()
        self.template_paths = [str(TEMPLATE), *list(self.template_paths)]  # type: ignore[has-type]
        config = self.voila_configuration.config
        extra = config.VoilaConfiguration.get("resources", {})
        if not isinstance(extra, dict):  # given on the command line: a string still
            extra = type(self.voila_configuration).resources.from_string(extra)
        merged = {**extra, "careers": page_resources()}
        config.VoilaConfiguration.resources = merged

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


def page_resources() -> dict[str, str]:
    """What the template puts in every page's head: the package's style sheets and the
    page's script (`careers.js` beside the template, when it is there)."""
    script = TEMPLATE / "careers.js"
    return {
        "style": page_css(),
        "script": script.read_text(encoding="utf-8") if script.is_file() else "",
    }
