"""A store nobody may change: a read-only mount, a folder this user cannot write, a copied
backup. `check`, `export`, `batch` and `serve --read-only` read it and write nothing there."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from careers_review import Store, default_framework, import_paths
from careers_review.errors import StoreError
from careers_review.store import DB_NAME, READ_ONLY_REFUSAL
from careers_review.workspace import READ_ONLY_ENV, open_workspace

from .conftest import (
    IN_CI,
    ROOT,
    SAMPLE,
    free_port,
    open_step,
    run_cli,
    running,
    serve_command,
    signed_in,
)
from .test_store_growth import FORMAT_1

SCHOOL = "oakfield-academy"
REVIEW = "oakfield-academy-2025-26"
REFUSED = "or owned by another user?"


def _unavailable(reason: str) -> None:
    """Skipped where this machine cannot set the case up; in CI that is a failure."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _contents(folder: Path) -> dict[str, str]:
    """Every file in the folder, by name, with a digest of its bytes."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
    }


def _as_root() -> list[str] | None:
    """How to run a command as root here: directly, through password-less sudo, or not."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


@contextmanager
def read_only_mount(source: Path, target: Path) -> Iterator[Path]:
    """`source` again at `target`, mounted read-only: not even root can write there."""
    root = _as_root()
    if root is None:
        _unavailable("a read-only bind mount needs root (or password-less sudo)")
    target.mkdir()
    bound = subprocess.run(
        [*root, "mount", "--bind", str(source), str(target)], capture_output=True
    )
    if bound.returncode != 0:
        _unavailable(f"mount --bind is not permitted here ({bound.stderr.decode().strip()})")
    try:
        remounted = subprocess.run(
            [*root, "mount", "-o", "remount,bind,ro", str(target)], capture_output=True
        )
        if remounted.returncode != 0:
            _unavailable(f"a read-only remount is not permitted ({remounted.stderr.decode()})")
        with pytest.raises(OSError) as caught:
            (target / "probe").write_text("x")
        assert caught.value.errno == errno.EROFS
        yield target
    finally:
        subprocess.run([*root, "umount", str(target)], check=True)


@contextmanager
def read_only_folder(source: Path, target: Path) -> Iterator[Path]:
    """A folder this process cannot write: a read-only mount as root, else mode 0555."""
    if _as_root() is not None:
        with read_only_mount(source, target) as mounted:
            yield mounted
        return
    os.chmod(source, 0o555)
    try:
        yield source
    finally:
        os.chmod(source, 0o755)


def _as_nobody() -> list[str]:
    root = _as_root()
    if root is None:
        _unavailable("running the command as another user needs root (or password-less sudo)")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        _unavailable("setpriv is not installed (util-linux)")
    command = [*root, setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run([*command, "true"], capture_output=True)
    if probe.returncode != 0:
        _unavailable(f"cannot switch to the user nobody ({probe.stderr.decode().strip()})")
    return command


def test_check_export_and_batch_on_a_read_only_mount(data_dir, tmp_path):
    before = _contents(data_dir)
    schools_csv = tmp_path / "schools.csv"
    schools_csv.write_text(f"school_id,name\n{SCHOOL},Oakfield Academy\n", encoding="utf-8")
    report, out = tmp_path / "x.html", tmp_path / "batch"
    with read_only_mount(data_dir, tmp_path / "ro") as mounted:
        checked = run_cli("check", "--data-dir", str(mounted))
        assert checked.returncode == 0, checked.stderr
        assert "10 schools, 20 reviews" in checked.stdout
        assert "All checks passed." in checked.stdout
        # The two slow ones (each runs a kernel) side by side.
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "careers_review"]
        exporting = subprocess.Popen(
            [*command, "export", REVIEW, "--to", str(report), "--data-dir", str(mounted)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        batching = subprocess.Popen(
            [*command, "batch", str(schools_csv), "--out", str(out), "--data-dir", str(mounted)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        exported_out, exported_err = exporting.communicate(timeout=120)
        batch_out, batch_err = batching.communicate(timeout=180)
        assert exporting.returncode == 0, exported_err
        assert batching.returncode == 0, batch_out + batch_err
        assert _contents(mounted) == before
    assert _contents(data_dir) == before
    assert f"Wrote {report}" in exported_out
    assert "Oakfield Academy" in report.read_text(encoding="utf-8")
    assert "1 done, 0 already up to date, 0 failed" in batch_out
    assert (out / SCHOOL / "05_governor_report.html").is_file()
    assert (out / "hub_summary.html").is_file()


def test_check_and_export_by_a_user_who_cannot_write_the_folder():
    prefix = _as_nobody()
    base = Path(tempfile.mkdtemp(prefix="careers-ro-user-"))
    try:
        os.chmod(base, 0o755)
        data = base / "data"
        with Store(data) as store:
            import_paths(store, [SAMPLE], default_framework())
        os.chmod(data, 0o755)  # root's folder: others may read, not write
        os.chmod(data / DB_NAME, 0o644)
        home = base / "home"
        home.mkdir()
        shutil.chown(home, "nobody", "nogroup")
        before = _contents(data)
        env = {**os.environ, "HOME": str(home)}

        def cli(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [*prefix, sys.executable, "-m", "careers_review", *args],
                capture_output=True,
                text=True,
                timeout=120,
                env=env,
                cwd=ROOT,
            )

        # The case is real: this user cannot make a file beside the store.
        assert subprocess.run([*prefix, "touch", str(data / "probe")]).returncode != 0
        checked = cli("check", "--data-dir", str(data))
        assert checked.returncode == 0, checked.stderr
        assert "All checks passed." in checked.stdout
        exported = cli("export", REVIEW, "--to", str(home / "r.json"), "--data-dir", str(data))
        assert exported.returncode == 0, exported.stderr
        assert json.loads((home / "r.json").read_text(encoding="utf-8"))["id"] == REVIEW
        # Saving is what cannot work here, and it says so in one line.
        imported = cli("import", str(SAMPLE / "schools"), "--data-dir", str(data))
        assert imported.returncode == 2
        assert REFUSED in imported.stderr and "Traceback" not in imported.stderr
        assert _contents(data) == before
    finally:
        shutil.rmtree(base)


def test_a_copied_backup_in_a_read_only_folder_is_read(data_dir, tmp_path):
    live = Store(data_dir)
    try:
        review = live.review(REVIEW)
        live.save(review.model_copy(update={"review_date": review.review_date.replace(day=1)}))
        assert Path(f"{live.path}-wal").stat().st_size > 0  # the newest save is in the -wal
        backup = tmp_path / "backup"
        backup.mkdir()
        shutil.copy2(live.path, backup / DB_NAME)  # the store file alone
    finally:
        live.close()
    before = _contents(backup)
    assert list(before) == [DB_NAME]
    with read_only_folder(backup, tmp_path / "ro") as folder:
        checked = run_cli("check", "--data-dir", str(folder))
        assert checked.returncode == 0, checked.stderr
        assert "10 schools, 20 reviews" in checked.stdout
        exported = run_cli(
            "export", REVIEW, "--to", str(tmp_path / "r.json"), "--data-dir", str(folder)
        )
        assert exported.returncode == 0, exported.stderr
        with Store(folder, create=False, read_only=True) as store:
            assert store.read_only
            assert store.school(SCHOOL).name == "Oakfield Academy"
            with pytest.raises(StoreError) as caught:
                store.save(store.school(SCHOOL))
        assert READ_ONLY_REFUSAL in str(caught.value)
        assert _contents(folder) == before
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["id"] == REVIEW


def test_serve_read_only_pages_open_the_store_read_only(data_dir, tmp_path, browser):
    before = _contents(data_dir)
    with read_only_folder(data_dir, tmp_path / "ro") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = serve_command(folder, port, "--read-only")
        with running(command, f"{base}/voila/tree", tmp_path / "server.log"):
            request = signed_in(f"{base}/?school={SCHOOL}")
            with urllib.request.urlopen(request, timeout=60) as response:
                page = response.read().decode("utf-8")
            # In Chromium, the review page says so and takes no typing.
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            try:
                tab.goto(f"{base}/voila/render/02_internal_review.ipynb?school={SCHOOL}")
                status = tab.locator(".cr-save-status").first
                status.wait_for(timeout=60_000)
                assert status.inner_text() == "Not saved: this copy is read-only"
                # Reading stays possible: steps and themes open, their boxes take no typing.
                themes = open_step(tab, "The themes")
                themes.locator(".cr-theme-header").first.click()
                evidence = themes.locator(".cr-theme").first.get_by_label("Evidence")
                evidence.wait_for(state="visible", timeout=30_000)
                assert evidence.is_disabled()
                people = open_step(tab, "Who is taking part")
                assert people.get_by_role("button", name="Add participant").is_disabled()
            finally:
                tab.close()
        assert _contents(folder) == before
    log = (tmp_path / "server.log").read_text()
    assert "Read-only: pages show the store and save no changes." in log
    # The kernel read the school: a kernel opening it for writing would have said it could not.
    assert "The review data could not be opened" not in page
    assert "cr-school-name" in page and "Oakfield Academy" in page


def test_the_read_only_variable_opens_the_workspace_read_only(data_dir, monkeypatch):
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    workspace = open_workspace(data_dir, create=False)
    try:
        assert workspace.store.read_only
        count = workspace.store.revision_count()
        with pytest.raises(StoreError) as caught:
            workspace.store.save(workspace.store.school(SCHOOL))
        assert str(caught.value).startswith(READ_ONLY_REFUSAL)
        assert workspace.store.revision_count() == count
    finally:
        workspace.close()
    monkeypatch.setenv(READ_ONLY_ENV, "0")
    with open_workspace(data_dir, create=False).store as store:
        assert not store.read_only


def test_a_read_only_store_is_never_created(tmp_path):
    with pytest.raises(StoreError) as caught:
        Store(tmp_path / "nothing", read_only=True)
    assert "no store here yet" in str(caught.value)
    assert not (tmp_path / "nothing").exists()


def test_a_format_1_store_is_read_read_only_without_migrating(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    db = sqlite3.connect(folder / DB_NAME)
    db.executescript(FORMAT_1)
    school = (SAMPLE / "schools" / f"{SCHOOL}.json").read_text(encoding="utf-8")
    review = (SAMPLE / "reviews" / f"{REVIEW}.json").read_text(encoding="utf-8")
    rows = [
        ("school", SCHOOL, SCHOOL, school),
        ("review", REVIEW, SCHOOL, zlib.compress(review.encode("utf-8"))),
    ]
    db.executemany(
        "INSERT INTO revisions (kind, key, number, school_id, saved_at, data)"
        " VALUES (?, ?, 1, ?, '2025-10-15T10:00:00+00:00', ?)",
        rows,
    )
    db.commit()
    db.close()
    before = _contents(folder)
    with read_only_folder(folder, tmp_path / "ro") as seen:
        with Store(seen, create=False, read_only=True) as store:
            assert store.school(SCHOOL).name == "Oakfield Academy"
            assert [r.id for r in store.reviews(SCHOOL)] == [REVIEW]
            assert [r.number for r in store.revisions("review", REVIEW)] == [1]
        assert _contents(seen) == before
    with sqlite3.connect(folder / DB_NAME) as db:
        assert db.execute("SELECT value FROM meta").fetchone() == ("1",)
