"""What the workbooks call: one function per page, each reading the store the server points at."""

from __future__ import annotations

import os
from html import escape
from urllib.parse import parse_qs

from ..errors import CareersReviewError
from ..serve import find_workbooks
from ..workspace import open_workspace
from .start import start_page_html

__all__ = ["school_from_query", "show_start_page", "start_page_html"]


def school_from_query(default: str = "") -> str:
    """`?school=<id>` in a Voilà URL wins over the notebook's parameter; elsewhere the parameter."""
    query = os.environ.get("QUERY_STRING", "")
    values = parse_qs(query).get("school")
    return values[0].strip() if values and values[0].strip() else default


def show_start_page(school_id: str = "", data_dir: str = "", framework: str = "") -> None:
    from IPython.display import HTML, display

    try:
        workspace = open_workspace(data_dir or None, framework or None, create=False)
    except CareersReviewError as exc:
        display(
            HTML(
                f"<p class='cr-notice'>The review data could not be opened: {escape(str(exc))}</p>"
            )
        )
        return
    try:
        folder = find_workbooks()
    except CareersReviewError:
        folder = None
    try:
        html = start_page_html(workspace.store, workspace.framework, school_id, folder)
    finally:
        workspace.close()
    display(HTML(html))
