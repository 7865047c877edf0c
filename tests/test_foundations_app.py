"""Phase 1 page without a browser: checklists, key roles and statutory duties reach the store."""

from __future__ import annotations

from datetime import date

from careers_review import Store, default_framework
from careers_review.app.foundations import FoundationsApp
from careers_review.app.session import ReviewSession, SchoolSession

FW = default_framework()
TODAY = date(2026, 11, 23)
SCHOOL = "brackenridge-community-school"  # a middle-leader structure, no review yet this year
REVIEW = f"{SCHOOL}-2026-27"


def _app(store: Store) -> FoundationsApp:
    session = ReviewSession(store, FW, SCHOOL, today=TODAY, autosave_delay=0)
    return FoundationsApp(session, SchoolSession(store, SCHOOL, autosave_delay=0))


def _saved(store: Store):
    with Store(store.data_dir) as fresh:
        return fresh.review(REVIEW).foundations


def test_responsibilities_checklist(store):
    app = _app(store)
    first = FW.careers_leader_responsibilities[0]
    toggle, note = app.role.checks[first.id]
    assert toggle.value is None  # nothing chosen yet
    toggle.value = "partly"
    note.value = "In the job description from January"
    saved = _saved(store).responsibilities[first.id]
    assert (saved.status, saved.note) == ("partly", "In the job description from January")
    assert len(app.role.checks) == 8


def test_middle_leader_risks_are_flagged_and_clear(store):
    app = _app(store)
    assert app.role.structure.value == "middle_leader"
    risks = app.role.risks.value
    assert "no named senior line manager" in risks
    assert "protected time has not been recorded" in risks
    app.role.line_manager.value = "Joanne Wilkes, deputy head"
    app.role.hours.value = "0"
    app.role.budget.value = "£2,500"
    app.role.trained.value = "no"
    risks = app.role.risks.value
    assert "no named senior line manager" not in risks
    assert "no protected time" in risks and "not been trained" in risks
    saved = _saved(store)
    assert (saved.protected_hours, saved.budget, saved.trained) == (0, 2500, "no")
    app.role.hours.value = "four"
    assert "Enter a number" in app.role.errors["hours"].value
    assert _saved(store).protected_hours == 0  # the bad value is not stored
    app.role.structure.value = "senior_leader"
    assert Store(store.data_dir).school(SCHOOL).leadership_structure == "senior_leader"
    assert "Strengths" in app.role.structure_text.value


def test_key_roles_and_gaps(store):
    app = _app(store)
    assert "Careers Leader" in app.roles.gaps.value
    for role in FW.key_roles:
        app.roles.holders[role.id].value = f"Holder of {role.id}"
    assert "Every key role has someone named." in app.roles.gaps.value
    assert _saved(store).role_holders["senco"] == "Holder of senco"


def test_statutory_checklist_and_provider_access(store):
    app = _app(store)
    duty = FW.statutory.duties[0]
    toggle, evidence = app.statutory.checks[duty.id]
    toggle.value = "met"
    evidence.value = "Named on the website since September"
    saved = _saved(store).duties[duty.id]
    assert (saved.status, saved.note) == ("met", "Named on the website since September")
    phases = FW.statutory.provider_access.key_phases
    app.statutory.counts[phases[0].id].value = phases[0].minimum
    app.statutory.counts[phases[1].id].value = phases[1].minimum - 1
    text = app.statutory.access.value
    assert f"{phases[0].name}: {phases[0].minimum} of {phases[0].minimum}" in text
    assert f"below the minimum of {phases[1].minimum}" in text
    assert _saved(store).encounters[phases[1].id] == phases[1].minimum - 1


def test_reopened_page_shows_what_was_saved(store):
    app = _app(store)
    item = FW.careers_leader_responsibilities[2]
    app.role.checks[item.id][0].value = "not_yet"
    app.roles.holders["link_governor"].value = "Colin Marsh"
    again = _app(Store(store.data_dir))
    assert again.role.checks[item.id][0].value == "not_yet"
    assert again.roles.holders["link_governor"].value == "Colin Marsh"
