"""Honest figures: what nobody has assessed yet reads "not assessed", never 0 % or a fall, and a
change is measured only on what was assessed in both years."""

from __future__ import annotations

from careers_review import Store, default_framework
from careers_review.charts import benchmark_scores_alt, maturity_profile_alt
from careers_review.report_sections import benchmarks, load_governor_report, maturity_profile
from careers_review.summary import benchmark_scores, criteria_assessed

from . import factories

FW = default_framework()
ALL = [c.id for b in FW.benchmarks for c in b.criteria]
FIRST = FW.benchmarks[0]


def _years(marks_now: dict[str, str], levels_now: dict[str, int | None] | None = None):
    """Last year fully assessed (everything achieved, every theme at 3), and this year."""
    before = factories.review(year="2025/26", levels={t.id: 3 for t in FW.themes})
    before.gatsby = dict.fromkeys(ALL, "achieved")
    now = factories.review(year="2026/27", levels=levels_now or {})
    now.gatsby = dict(marks_now)
    return before, now


def test_a_new_year_with_nothing_assessed_says_so():
    before, now = _years({})
    scores = benchmark_scores(now, FW, before)
    assert all(s.percent is None and s.change is None for s in scores)
    assert all(s.percent_text == "not assessed" for s in scores)
    assert all(s.previous_percent == 100 for s in scores)  # last year still shown as last year
    assert criteria_assessed(scores) == f"0 of {len(ALL)} criteria assessed"
    alt = benchmark_scores_alt(scores, previous_label="Review 2025/26")
    assert f"1 {FIRST.name} not assessed" in alt and "Review 2025/26: 1 100%" in alt
    assert "0%" not in alt.split("Review 2025/26")[0]


def test_change_only_for_criteria_assessed_in_both_years():
    ids = [c.id for c in FIRST.criteria]
    before, now = _years({ids[0]: "achieved", ids[1]: "not_started"})
    before.gatsby[ids[2]] = ""  # last year left one criterion open too
    score = benchmark_scores(now, FW, before)[0]
    assert (score.assessed, score.total, score.compared) == (2, len(ids), 2)
    assert score.percent == 50  # of the two assessed, not of all of them
    assert score.change == -50  # one of the two compared criteria fell
    untouched = benchmark_scores(now, FW, before)[1]
    assert untouched.percent is None and untouched.change is None


def test_themes_not_agreed_this_year_are_not_a_fall():
    before, now = _years({}, {FW.themes[0].id: 4})
    levels = {t.id: now.rating(t.id).level for t in FW.themes}
    previous = {t.id: before.rating(t.id).level for t in FW.themes}
    alt = maturity_profile_alt(FW, levels, previous, current_label="Review 2026/27")
    assert f"{FW.themes[0].name} 4 of 4" in alt
    assert f"{FW.themes[1].name} not agreed yet" in alt


def test_governor_report_of_a_new_year_says_not_assessed(tmp_path):
    """The report's sections, from a real store: no -67, no 0 %, "0 of N criteria assessed"."""
    before, now = _years({}, {FW.themes[0].id: 3})
    with Store(tmp_path / "data") as store:
        store.save(factories.school())
        store.save(before)
        store.save(now)
        report = load_governor_report(store, FW, "test-school", now.id)
    section = benchmarks(report)
    html = section.to_html()
    assert f"0 of {len(ALL)} criteria assessed" in html
    assert "not assessed" in html and "0%" not in html
    assert "-100" not in html and "-67" not in html
    assert section.frame["change"].isna().all()
    profile = maturity_profile(report).to_html()
    assert "Not assessed yet" in profile and "Down" not in profile


def test_gatsby_view_of_a_new_year(store):
    """The plan page's self-assessment: a benchmark nobody marked reads "Not assessed"."""
    from careers_review.app.plan import GatsbyView
    from careers_review.app.review_session import ReviewSession

    previous = store.review("oakfield-academy-2026-27")
    new = factories.review("oakfield-academy", year="2027/28")
    store.save(new)
    session = ReviewSession(
        store, FW, "oakfield-academy", academic_year=new.academic_year, autosave_delay=0
    )
    assert session.previous is not None and session.previous.id == previous.id
    view = GatsbyView(session)
    text = view.scores[1].value
    assert "Not assessed" in text and "0%" not in text and "points since" not in text
    assert f"0 of {len(ALL)} criteria assessed" in view.assessed.value
    assert "alt='Gatsby Benchmarks" in view.chart.value and "not assessed" in view.chart.value
