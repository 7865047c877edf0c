"""What the workbooks call: one function per page, each reading the store the server points at."""

from __future__ import annotations

import os
from html import escape
from urllib.parse import parse_qs

from ..errors import CareersReviewError
from ..resources import find_workbooks
from ..workspace import hide_paths, open_workspace
from .start import start_page_parts

__all__ = [
    "foundations_app",
    "impact_evaluation",
    "internal_review",
    "leadership_foundations",
    "plan_app",
    "review_app",
    "school_from_query",
    "show_start_page",
    "start_here",
    "start_page_parts",
    "strategic_plan",
]


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
        display(_notice(f"The review data could not be opened: {hide_paths(str(exc), data_dir)}"))
        return
    try:
        folder = find_workbooks()
    except CareersReviewError:
        folder = None
    top, school, bottom = start_page_parts(workspace.store, workspace.framework, school_id, folder)
    display(HTML(top))
    if school is not None:
        from .profile import ProfileEditor
        from .review_session import SchoolSession

        display(
            ProfileEditor(SchoolSession(workspace.store, school.id), workspace.framework).widget
        )
    display(HTML(bottom))


def _notice(message: str):
    from ipywidgets import HTML

    notice = HTML(f"<p class='cr-notice'>{escape(message)}</p>")
    notice.add_class("cr-notice")
    return notice


def mount_school(page, school_id: str, data_dir: str, framework: str, build, show=None):
    """Fill `page` for one school: `build(workspace, school_id)` makes its app and `show(app)`
    the widgets to put in `page` (by default the app's own). Without a school (or with an
    unknown one) a picker is shown instead, which builds the app once chosen."""
    from ..errors import UnknownSchoolError
    from .picker import SchoolPicker

    show = show or (lambda app: [app.widget])
    try:
        workspace = open_workspace(data_dir or None, framework or None, create=False)
    except CareersReviewError as exc:
        page.children = [
            _notice(f"The review data could not be opened: {hide_paths(str(exc), data_dir)}")
        ]
        return page

    def open_school(chosen: str) -> None:
        try:
            page.app = build(workspace, chosen)
        except UnknownSchoolError:
            message = f"There is no school with the id '{chosen}' in this hub. Choose one below."
            page.children = [SchoolPicker(workspace.store, open_school, message).widget]
            return
        except CareersReviewError as exc:
            page.children = [_notice(hide_paths(str(exc), workspace.data_dir))]
            return
        page.children = show(page.app)

    if school_id:
        open_school(school_id)
    else:
        page.children = [SchoolPicker(workspace.store, open_school).widget]
    return page


def _school_page(school_id: str, data_dir: str, framework: str, build):
    """A page for one school, displayed at once and filled by `mount_school`."""
    from IPython.display import display
    from ipywidgets import VBox

    page = VBox()
    page.add_class("cr-page")
    display(page)
    return mount_school(page, school_id, data_dir, framework, build)


def review_builder(academic_year: str, autosave_delay: float, make):
    """`build` for a page over one school's review of `academic_year` (empty: its latest
    review, whatever its year): `make(session, workspace)` makes the app, and open pages
    follow each other's saves."""
    from ..review_year import year_to_open
    from .review_session import ReviewSession
    from .session import follow_in_kernel

    def build(workspace, chosen: str):
        # The year asked for, else the school's latest review: opening a page starts nothing.
        session = ReviewSession(
            workspace.store,
            workspace.framework,
            chosen,
            academic_year=year_to_open(workspace.store, chosen, academic_year),
            autosave_delay=autosave_delay,
        )
        app = make(session, workspace)
        # Open pages follow each other: what another tab saves appears here within seconds.
        app.follower = follow_in_kernel(*getattr(app, "sessions", (session,)))
        return app

    return build


def review_page(
    school_id: str,
    data_dir: str,
    framework: str,
    academic_year: str,
    autosave_delay: float,
    make,
):
    """A page over one school's review for one year: `make(session, workspace)` builds it."""
    build = review_builder(academic_year, autosave_delay, make)
    return _school_page(school_id, data_dir, framework, build)


def review_app(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    autosave_delay: float = 0.4,
):
    """The internal leadership review page (phase 1): one school's review for one year."""
    from .review import ReviewApp

    return review_page(
        school_id,
        data_dir,
        framework,
        academic_year,
        autosave_delay,
        lambda session, _: ReviewApp(session),
    )


def foundations_app(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    autosave_delay: float = 0.4,
):
    """Leadership foundations (phase 1): the role, key roles and the statutory checklist."""
    from .foundations import FoundationsApp
    from .review_session import SchoolSession

    def make(session, workspace) -> FoundationsApp:
        school = SchoolSession(workspace.store, session.school.id, autosave_delay=autosave_delay)
        return FoundationsApp(session, school)

    return review_page(school_id, data_dir, framework, academic_year, autosave_delay, make)


def plan_app(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    autosave_delay: float = 0.4,
):
    """The strategic careers plan (phase 2): benchmark self-assessment, plan, exports."""
    from .plan import PlanApp

    return review_page(
        school_id,
        data_dir,
        framework,
        academic_year,
        autosave_delay,
        lambda session, _: PlanApp(session),
    )


def leadership_foundations(
    school_id: str = "", data_dir: str = "", framework: str = "", academic_year: str = ""
):
    """Workbook 01 as a page of steps (`?school=` in a Voilà URL wins over `school_id`)."""
    from .workbooks import LeadershipFoundations

    return LeadershipFoundations(school_from_query(school_id), data_dir, framework, academic_year)


def internal_review(
    school_id: str = "", data_dir: str = "", framework: str = "", academic_year: str = ""
):
    """Workbook 02 as a page of steps."""
    from .workbooks import InternalReview

    return InternalReview(school_from_query(school_id), data_dir, framework, academic_year)


def strategic_plan(
    school_id: str = "", data_dir: str = "", framework: str = "", academic_year: str = ""
):
    """Workbook 03 as a page of steps."""
    from .plan_workbook import StrategicPlan

    return StrategicPlan(school_from_query(school_id), data_dir, framework, academic_year)


def start_here(school_id: str = "", data_dir: str = "", framework: str = ""):
    """Workbook 00 as a page of steps; without a school, the hub's schools to choose from."""
    from .start_workbook import StartHere

    return StartHere(school_from_query(school_id), data_dir, framework)


def impact_evaluation(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    files: list[str] | tuple[str, ...] = (),
    urn: str = "",
):
    """Workbook 04 as a page of steps. `files` are the evidence files given, in the order of
    the workbook's parameters (destinations, learner survey, the earlier learner survey,
    parent survey, encounters log); an empty one is looked for in the data directory."""
    from .impact_workbook import ImpactEvaluation

    return ImpactEvaluation(
        school_from_query(school_id), data_dir, framework, academic_year, files, urn
    )
