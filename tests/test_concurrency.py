"""Four processes saving to one review for 30 seconds: every save kept, nobody told 'locked'."""

from __future__ import annotations

import multiprocessing
import time
from datetime import date, timedelta

import pytest

from careers_review import Store, default_framework

pytestmark = pytest.mark.slow

FW = default_framework()
REVIEW = "oakfield-academy-2026-27"
SECONDS = 30
WORKERS = 4


def _worker(data_dir: str, worker: int, seconds: float, results) -> None:
    """One page (one kernel) typing into its own theme's notes as fast as it can."""
    from careers_review.app.session import ReviewSession

    # Every save its own revision, so that each one can be found again below; how a page's
    # quick saves fold into one revision is tested in test_store.py.
    session = ReviewSession(
        Store(data_dir, sitting_pause=timedelta(0)),
        FW,
        "oakfield-academy",
        today=date(2026, 11, 23),
        autosave_delay=0,
        author=f"page {worker}",
    )
    theme = FW.themes[worker].id
    saved, errors = [], []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        session.set_rating(theme, notes=f"page {worker} save {n}")
        if session.status.ok:
            saved.append(n)
        else:
            errors.append(session.status.message)
        n += 1
    results.put((worker, saved, errors))


def test_four_processes_for_thirty_seconds(data_dir):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    with Store(data_dir) as store:
        before = len(store.revisions("review", REVIEW))
    workers = [
        context.Process(target=_worker, args=(str(data_dir), w, SECONDS, results))
        for w in range(WORKERS)
    ]
    for process in workers:
        process.start()
    outcome = {}
    for _ in workers:
        worker, saved, errors = results.get(timeout=SECONDS + 120)
        outcome[worker] = (saved, errors)
    for process in workers:
        process.join(30)
        assert process.exitcode == 0

    assert all(not errors for _, errors in outcome.values()), [e[:3] for _, e in outcome.values()]
    assert all(len(saved) > 50 for saved, _ in outcome.values())
    with Store(data_dir) as store:
        revisions = store.revisions("review", REVIEW)
        assert len(revisions) == before + sum(len(saved) for saved, _ in outcome.values())
        seen = {w: set() for w in range(WORKERS)}
        for revision in revisions[before:]:
            review = store.review(REVIEW, revision.number)
            for w in range(WORKERS):
                seen[w].add(review.rating(FW.themes[w].id).notes)
        latest = store.review(REVIEW)
    for w, (saved, _) in outcome.items():
        assert {f"page {w} save {n}" for n in saved} <= seen[w]
        # Each page's last save survived the others' saves (merged, not overwritten).
        assert latest.rating(FW.themes[w].id).notes == f"page {w} save {saved[-1]}"
