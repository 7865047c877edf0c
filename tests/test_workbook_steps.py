"""The workbook pages as objects, headless: each step's figures as a DataFrame, steps that are
done start closed and are built only when opened, and a page opened without a school fills
its steps in place once one is chosen."""

from __future__ import annotations

import shutil

import pandas as pd

from careers_review import Store, default_framework
from careers_review.app import (
    impact_evaluation,
    internal_review,
    leadership_foundations,
    strategic_plan,
)
from careers_review.summary import benchmark_scores, profile
from careers_review.workspace import EVIDENCE_FOLDER

from .conftest import SAMPLE

SCHOOL = "oakfield-academy"
YEAR = "2026/27"  # the sample's review of this year: every theme agreed, two priorities
FW = default_framework()


def _review(data_dir):
    with Store(data_dir) as store:
        return store.review(f"{SCHOOL}-2026-27")


def test_review_steps_give_their_figures_and_done_ones_start_closed(data_dir):
    page = internal_review(SCHOOL, str(data_dir), academic_year=YEAR)
    themes = page.themes()
    review = _review(data_dir)
    result = profile(review, FW)
    assert isinstance(themes.frame, pd.DataFrame)
    assert themes.frame["theme"].tolist() == [t.name for t in result.themes]
    assert themes.frame["level"].tolist() == [t.level for t in result.themes]
    # Every theme is agreed: the step is done, so it starts closed, summed up in a line, and
    # its body is not built until it is opened.
    assert not themes.opened and not themes.built
    assert themes.summary.value == f"{result.total} of {result.total} themes agreed"
    themes.toggle.click()
    assert themes.opened and themes.built and themes.body.children
    themes.toggle.click()
    assert not themes.opened
    assert page.summary().opened  # the summary is read, never "done"


def test_plan_steps_give_scores_actions_and_kpis_as_frames(data_dir):
    page = strategic_plan(SCHOOL, str(data_dir), academic_year=YEAR)
    review = _review(data_dir)
    scores = page.gatsby().frame
    expected = benchmark_scores(review, FW, page.session.previous)
    assert scores["percent"].tolist() == [round(s.percent, 1) for s in expected]
    actions = page.actions().frame
    assert len(actions) == sum(len(p.actions) for p in review.plan.priorities) > 0
    assert set(actions["priority"]) == {p.title for p in review.plan.priorities if p.actions}
    kpis = page.measures().frame
    assert kpis["target"].tolist() == [k.target for p in review.plan.priorities for k in p.kpis]


def test_foundations_duties_frame_matches_the_review(data_dir):
    page = leadership_foundations(SCHOOL, str(data_dir), academic_year=YEAR)
    duties = page.duties().frame
    review = _review(data_dir)
    assert len(duties) == len(FW.statutory.duties)
    met = sum(1 for d in review.foundations.duties.values() if d.status == "met")
    assert (duties["status"] == "met").sum() == met
    assert (
        page.duties().summary.value == f"{met} of {len(FW.statutory.duties)} statutory duties met"
    )


def test_impact_steps_show_the_evidence_and_close_what_has_none(data_dir):
    folder = data_dir / EVIDENCE_FOLDER / SCHOOL
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE / "evidence" / "ks5_destinations_sample.csv", folder)
    page = impact_evaluation(SCHOOL, str(data_dir), academic_year=YEAR)
    destinations = page.destinations()
    assert len(destinations.frame) > 0 and destinations.opened
    shown = destinations.body.children[0].children[0].value  # the section, its upload below
    first = destinations.frame.index[0]
    assert first in shown  # the figures in the frame are the ones on the page
    parents = page.parent_survey()  # no parent survey in the folder: nothing to show
    assert parents.frame.empty and not parents.opened
    assert parents.summary.value == "No file yet: its upload button is in this step"


def test_a_page_opened_without_a_school_fills_its_steps_once_one_is_chosen(data_dir):
    page = internal_review("", str(data_dir), academic_year=YEAR)
    steps = [page.participants(), page.themes()]
    assert all(step.layout.display == "none" for step in steps)
    picker = page.top.children[0]
    assert "cr-school-picker" in picker._dom_classes
    choice, button = picker.children[1].children
    choice.value = SCHOOL
    button.click()
    assert page.app is not None and page.school_id == SCHOOL
    assert all(step.layout.display == "flex" for step in steps)
    assert "5 of 5 themes agreed" in steps[1].summary.value
    assert f"school={SCHOOL}" in page.next_part().value
