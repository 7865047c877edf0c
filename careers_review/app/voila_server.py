"""Voilà with one addition: `/` (with its query, e.g. ?school=) opens the start page."""

from __future__ import annotations

from jupyter_server.utils import url_path_join
from tornado.web import RedirectHandler
from voila.app import Voila

from ..resources import START_PAGE

__all__ = ["CareersVoila"]


class CareersVoila(Voila):
    def init_handlers(self) -> list:
        start = url_path_join(self.server_url, "voila/render", START_PAGE)
        home = (
            url_path_join(self.server_url, "/?"),
            RedirectHandler,
            {"url": start, "permanent": False},
        )
        return [home, *super().init_handlers()]
