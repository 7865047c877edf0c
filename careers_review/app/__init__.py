"""What the workbooks call: one function per page, each reading the store the server points at."""

from __future__ import annotations

import os
from html import escape
from urllib.parse import parse_qs

from ..errors import CareersReviewError
from ..serve import find_workbooks
from ..workspace import open_workspace
from .start import start_page_parts

__all__ = ["review_app", "school_from_query", "show_start_page", "start_page_parts"]


def school_from_query(default: str = "") -> str:
    """`?school=<id>` in a Voilà URL wins over the notebook's parameter; elsewhere the parameter."""
    query = os.environ.get("QUERY_STRING", "")
    values = parse_qs(query).get("school")
    return values[0].strip() if values and values[0].strip() else default


def show_start_page(school_id: str = "", data_dir: str = "", framework: str = "") -> None:
    """The session's front door: the school's profile to check and edit, who should come,
    how the session runs, links to the workbooks, and the hub's schools."""
    from IPython.display import HTML, display

    try:
        workspace = open_workspace(data_dir or None, framework or None, create=False)
    except CareersReviewError as exc:
        display(_notice(f"The review data could not be opened: {exc}"))
        return
    try:
        folder = find_workbooks()
    except CareersReviewError:
        folder = None
    top, school, bottom = start_page_parts(workspace.store, workspace.framework, school_id, folder)
    display(HTML(top))
    if school is not None:
        from .profile import ProfileEditor
        from .session import SchoolSession

        display(
            ProfileEditor(SchoolSession(workspace.store, school.id), workspace.framework).widget
        )
    display(HTML(bottom))


def _notice(message: str):
    from ipywidgets import HTML

    notice = HTML(f"<p class='cr-notice'>{escape(message)}</p>")
    notice.add_class("cr-notice")
    return notice


def review_app(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    autosave_delay: float = 0.4,
):
    """The internal leadership review page: the school's review, or a picker to choose one.

    Returns the page's outer box (already displayed), so a notebook can keep a handle on it.
    """
    from IPython.display import display
    from ipywidgets import VBox

    from ..errors import UnknownSchoolError
    from .picker import SchoolPicker
    from .review import ReviewApp
    from .session import ReviewSession

    page = VBox()
    page.add_class("cr-page")
    display(page)
    try:
        workspace = open_workspace(data_dir or None, framework or None, create=False)
    except CareersReviewError as exc:
        page.children = [_notice(f"The review data could not be opened: {exc}")]
        return page

    def open_school(chosen: str, message: str = "") -> None:
        try:
            session = ReviewSession(
                workspace.store,
                workspace.framework,
                chosen,
                academic_year=academic_year,
                autosave_delay=autosave_delay,
            )
        except UnknownSchoolError:
            message = f"There is no school with the id '{chosen}' in this hub. Choose one below."
            page.children = [SchoolPicker(workspace.store, open_school, message).widget]
            return
        except CareersReviewError as exc:
            page.children = [_notice(str(exc))]
            return
        page.app = ReviewApp(session)
        page.children = [page.app.widget]

    if school_id:
        open_school(school_id)
    else:
        page.children = [SchoolPicker(workspace.store, open_school).widget]
    return page
