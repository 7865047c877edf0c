"""The school profile as a form: saved as it is typed, a bad value explained beside it."""

from __future__ import annotations

from html import escape

import ipywidgets as w
from pydantic import ValidationError

from ..content import Framework
from .common import SaveStatusView, lock_editing, overlong, too_long
from .review_session import SchoolSession

__all__ = ["ProfileEditor"]

_STYLE = {"description_width": "190px"}
_WIDE = w.Layout(width="620px")

#: (field, label, placeholder) for the free-text fields, in the order a head would read them.
TEXT_FIELDS = [
    ("name", "School name", ""),
    ("urn", "URN", "6 or 7 digits"),
    ("school_type", "Type", "e.g. Academy converter, community special school"),
    ("age_range", "Age range", "e.g. 11-18"),
    ("local_authority", "Local authority", ""),
    ("headteacher", "Headteacher", ""),
    ("careers_leader_name", "Careers Leader", ""),
    ("careers_leader_email", "Careers Leader email", ""),
    ("careers_leader_phone", "Careers Leader phone", ""),
    ("slt_link", "Senior leader for careers", ""),
    ("link_governor", "Link governor", ""),
    ("website", "Website", "https://"),
]


class ProfileEditor:
    def __init__(self, session: SchoolSession, framework: Framework) -> None:
        self.session = session
        school = session.document
        self.fields: dict[str, w.Widget] = {}
        self.errors: dict[str, w.HTML] = {}
        rows = []
        for field, label, placeholder in TEXT_FIELDS:
            value = self._current(field)
            widget = w.Text(
                value=value,
                description=label,
                placeholder=placeholder,
                continuous_update=True,
                style=_STYLE,
                layout=_WIDE,
            )
            rows.append(self._wire(field, widget, lambda v: v))
        pupils = w.Text(
            value="" if school.pupils is None else str(school.pupils),
            description="Pupils on roll",
            style=_STYLE,
            layout=_WIDE,
            continuous_update=True,
        )
        rows.append(
            self._wire("pupils", pupils, lambda v: int(v.replace(",", "")) if v.strip() else None)
        )
        structures = [("Not recorded", "")] + [
            (s.name, s.id) for s in framework.leadership_structures
        ]
        known = {value for _, value in structures}
        structure = w.Dropdown(
            options=structures,
            description="Leadership structure",
            value=school.leadership_structure if school.leadership_structure in known else "",
            style=_STYLE,
            layout=_WIDE,
        )
        rows.append(self._wire("leadership_structure", structure, lambda v: v))
        for field, label in (("sixth_form", "Has a sixth form"), ("special", "Special school")):
            box = w.Checkbox(
                value=getattr(school, field), description=label, style=_STYLE, indent=True
            )
            rows.append(self._wire(field, box, bool))
        status = SaveStatusView(session)
        session.listen(lambda _: status.refresh())
        self.status = status.widget
        self.widget = w.VBox([*rows, self.status])
        self.widget.add_class("cr-profile-editor")
        if session.read_only:
            lock_editing(self.widget)

    def _current(self, field: str) -> str:
        school = self.session.document
        if field.startswith("careers_leader_"):
            return getattr(school.careers_leader, field.removeprefix("careers_leader_"))
        return getattr(school, field)

    def _wire(self, field: str, widget: w.Widget, convert) -> w.Widget:
        error = w.HTML()
        error.add_class("cr-field-error")
        self.fields[field], self.errors[field] = widget, error

        def changed(change: dict) -> None:
            try:
                self.session.set(**{field: convert(change["new"])})
            except (ValueError, ValidationError) as exc:
                error.value = f"<span style='color:#b00020'>{escape(_reason(field, exc))}</span>"
            else:
                error.value = ""

        widget.observe(changed, names="value")
        return w.HBox([widget, error])


def _reason(field: str, exc: Exception) -> str:
    if isinstance(exc, ValidationError) and overlong(exc):
        return "Not saved: " + too_long(overlong(exc))
    if field == "pupils":
        return "Enter a whole number of pupils, or leave it empty."
    if field == "urn":
        return "A URN is 6 or 7 digits; not saved until it is."
    if field == "name":
        return "The school needs a name; not saved until it has one."
    if isinstance(exc, ValidationError):
        return exc.errors()[0]["msg"]
    return str(exc)
