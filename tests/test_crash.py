"""Nothing reported as saved is ever lost: a killed kernel, a full disk, a read-only folder."""

from __future__ import annotations

import os
import random
import shutil
import signal
import string
import subprocess
from datetime import date

import pytest
from jupyter_client.manager import start_new_kernel

from careers_review import Store, default_framework
from careers_review.app import review_app
from careers_review.app.review import ReviewApp
from careers_review.app.session import ReviewSession
from careers_review.model import MAX_TEXT

pytestmark = pytest.mark.slow

FW = default_framework()
REVIEW = "oakfield-academy-2026-27"

STREAM = """
from datetime import date
from careers_review import Store, default_framework
from careers_review.app.session import ReviewSession
session = ReviewSession(Store({data!r}), default_framework(), "oakfield-academy",
                        today=date(2026, 11, 23), autosave_delay=0)
for n in range(1_000_000):
    session.set_rating("leaders_vision", evidence=f"save {{n}}")
    if session.status.ok:
        print(f"saved {{n}}", flush=True)
"""


def test_kernel_killed_mid_stream_keeps_every_reported_save(data_dir):
    manager, client = start_new_kernel(kernel_name="python3")
    reported: list[int] = []
    try:
        client.execute(STREAM.format(data=str(data_dir)))
        while len(reported) < 300:
            message = client.get_iopub_msg(timeout=60)
            if message["msg_type"] == "stream":
                reported += [
                    int(line.split()[1])
                    for line in message["content"]["text"].splitlines()
                    if line.startswith("saved ")
                ]
            elif message["msg_type"] == "error":
                pytest.fail(f"the autosave stream failed: {message['content']['evalue']}")
        os.kill(manager.provisioner.pid, signal.SIGKILL)  # mid-stream: saves are still going on
    finally:
        client.stop_channels()
        manager.cleanup_resources()
    with Store(data_dir) as store:
        assert store.integrity_problems() == []
        saved = [
            store.review(REVIEW, r.number).rating("leaders_vision").evidence
            for r in store.revisions("review", REVIEW)
        ]
    # One page's quick saves fold into its newest revision, so each reported save is either
    # still there or replaced by a later save of the same page; the last one reported is kept.
    assert reported == list(range(len(reported)))
    latest = int(saved[-1].split()[1])
    assert latest >= reported[-1]


def test_full_disk_says_not_saved_keeps_the_text_and_saves_it_later(data_dir):
    store = Store(data_dir)
    app = ReviewApp(
        ReviewSession(store, FW, "oakfield-academy", today=date(2026, 11, 23), autosave_delay=0)
    )
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages}")  # SQLite's own 'disk full' from here on
    # Letters at random, so that compression cannot make them fit in the pages left.
    chooser = random.Random(3)
    long_text = "".join(chooser.choice(string.ascii_letters + " ") for _ in range(MAX_TEXT))
    app.panels[1].evidence.value = long_text
    assert app.status.widget.value.startswith("Not saved: ")
    assert "the disk is full" in app.status.widget.value
    assert app.panels[1].evidence.value == long_text
    store._db.execute(f"PRAGMA max_page_count={pages * 1000}")  # space again
    app.panels[1].notes.value = "the next change"
    assert app.status.widget.value.startswith("Saved ")
    with Store(data_dir) as fresh:
        assert fresh.review(REVIEW).rating(FW.themes[1].id).evidence == long_text
    store.close()


def _immutable(paths, on: bool) -> None:
    subprocess.run(
        ["chattr", "+i" if on else "-i", *map(str, paths)], check=True, capture_output=True
    )


def test_read_only_data_directory_is_said_in_words(data_dir):
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed (e2fsprogs)")
    paths = [data_dir, *data_dir.iterdir()]
    try:
        _immutable(paths, True)
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"this file system cannot make files immutable ({exc.stderr.strip()})")
    try:
        page = review_app("oakfield-academy", str(data_dir), autosave_delay=0)
        notice = page.children[0].value
    finally:
        _immutable(paths, False)
    assert "The review data could not be opened" in notice
    assert "read-only" in notice


def test_store_turning_read_only_mid_session_says_not_saved_and_keeps_the_text(data_dir):
    store = Store(data_dir)
    app = ReviewApp(
        ReviewSession(store, FW, "oakfield-academy", today=date(2026, 11, 23), autosave_delay=0)
    )
    store._db.execute("PRAGMA query_only = ON")  # SQLite refuses writes as on a read-only mount
    app.panels[2].notes.value = "Said after the folder went read-only"
    assert app.status.widget.value.startswith("Not saved: ")
    assert "read-only" in app.status.widget.value
    assert "cr-save-error" in app.status.widget._dom_classes
    assert app.panels[2].notes.value == "Said after the folder went read-only"
    store._db.execute("PRAGMA query_only = OFF")
    app.panels[2].focus.value = "priority"
    with Store(data_dir) as fresh:
        rating = fresh.review(REVIEW).rating(FW.themes[2].id)
    assert (rating.notes, rating.focus) == ("Said after the folder went read-only", "priority")
    store.close()
