"""Bad input at the command line: one line that says what to fix, exit code 2, no traceback."""

from __future__ import annotations

import json
import os
import shlex
import socket
import sqlite3
import zlib
from pathlib import Path

import pytest

from careers_review.errors import InputError
from careers_review.evidence import load_encounters
from careers_review.store import DB_NAME

from .conftest import SAMPLE, free_port, run_cli

REVIEW = "oakfield-academy-2025-26"


def _one_line_error(result, *fragments: str) -> str:
    """The command failed as bad input should: exit 2, one line on stderr holding each of
    `fragments`, and no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# -- serve: the address and the port ---------------------------------------------------------


def test_serve_on_an_address_of_another_machine(tmp_path):
    result = run_cli("serve", "--ip", "203.0.113.7", "--data-dir", str(tmp_path), timeout=60)
    _one_line_error(result, "--ip 203.0.113.7", "not an address of this machine")


def test_serve_on_a_name_nobody_knows(tmp_path):
    result = run_cli("serve", "--ip", "no-such-host.invalid", "--data-dir", str(tmp_path))
    _one_line_error(result, "--ip no-such-host.invalid", "not an address or a host name")


@pytest.mark.parametrize("port", ["99999", "65536", "0", "-1"])
def test_serve_on_a_port_out_of_range(tmp_path, port):
    result = run_cli("serve", "--port", port, "--data-dir", str(tmp_path), timeout=60)
    _one_line_error(result, f"--port {port}", "choose a port from 1 to 65535")


def test_serve_on_a_port_in_use(tmp_path):
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = run_cli("serve", "--port", str(port), "--data-dir", str(tmp_path), timeout=60)
    _one_line_error(result, f"--port {port}", "already in use")


# -- a damaged revision ----------------------------------------------------------------------


def _latest(db: sqlite3.Connection, key: str) -> tuple:
    return db.execute(
        "SELECT kind, key, number, school_id, saved_at, author FROM revisions"
        " WHERE kind = 'review' AND key = ? ORDER BY number DESC LIMIT 1",
        (key,),
    ).fetchone()


def _append_raw(data_dir: Path, key: str, data: bytes | str) -> int:
    """A new latest revision written straight into the file, as a disk fault or another
    program would leave it; returns its number."""
    with sqlite3.connect(data_dir / DB_NAME) as db:
        kind, key, number, school_id, saved_at, author = _latest(db, key)
        db.execute(
            "INSERT INTO revisions (kind, key, number, school_id, saved_at, author, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, key, number + 1, school_id, saved_at, author, data),
        )
    return number + 1


def _review_json(**changes: object) -> dict:
    document = json.loads((SAMPLE / "reviews" / f"{REVIEW}.json").read_text(encoding="utf-8"))
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"x\x9c not zlib at all", "data: the compressed text is damaged"),
        (zlib.compress(b"\xff\xfe{}"), "data: not UTF-8 text"),
        (zlib.compress(b'{"kind": "review", "id": '), "data: not valid JSON"),
        (
            zlib.compress(
                json.dumps(
                    _review_json(ratings={"leaders_vision": {"level": "abc", "focus": "strength"}})
                ).encode()
            ),
            "ratings.leaders_vision.level: ",
        ),
    ],
    ids=["zlib", "utf8", "json", "level"],
)
def test_check_names_the_damaged_revision_and_field(data_dir, data, problem):
    number = _append_raw(data_dir, REVIEW, data)
    result = run_cli("check", "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    problems = [line for line in result.stderr.splitlines() if line.startswith("problem: ")]
    assert len(problems) == 1, result.stderr
    assert f"revision {number} of review {REVIEW} cannot be read ({problem}" in problems[0]
    assert "1 problem(s) found." in result.stdout


def test_check_finds_a_revision_changed_in_place(data_dir):
    # The store refuses updates with a trigger; something that drops it can still change a row.
    with sqlite3.connect(data_dir / DB_NAME) as db:
        db.execute("DROP TRIGGER revisions_only_open_sitting")
        number = _latest(db, REVIEW)[2]
        db.execute(
            "UPDATE revisions SET data = ? WHERE kind = 'review' AND key = ? AND number = ?",
            (json.dumps(_review_json(review_date="the fifteenth")), REVIEW, number),
        )
    result = run_cli("check", "--data-dir", str(data_dir))
    assert result.returncode == 2
    assert f"revision {number} of review {REVIEW} cannot be read (review_date: " in result.stderr
    assert "Traceback" not in result.stderr


def test_export_of_a_damaged_revision_names_one_that_can_be_read(data_dir, tmp_path):
    bad = _append_raw(data_dir, REVIEW, zlib.compress(b'{"kind": "review", "level": "abc"'))
    out = tmp_path / "review.json"
    result = run_cli("export", REVIEW, "--to", str(out), "--data-dir", str(data_dir))
    line = _one_line_error(
        result,
        f"revision {bad} of review {REVIEW} cannot be read (data: not valid JSON",
        f"revision {bad - 1} can: careers-review export {REVIEW} --revision {bad - 1}",
    )
    assert not out.exists()
    # The command it suggests works as it is written.
    suggested = shlex.split(line.split(" can: ", 1)[1])
    assert suggested[:2] == ["careers-review", "export"]
    again = run_cli(*suggested[1:])
    assert again.returncode == 0, again.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == REVIEW


def test_export_when_no_revision_can_be_read(data_dir, tmp_path):
    with sqlite3.connect(data_dir / DB_NAME) as db:
        db.execute("DROP TRIGGER revisions_only_open_sitting")
        db.execute(
            "UPDATE revisions SET data = x'00ff' WHERE kind = 'review' AND key = ?", (REVIEW,)
        )
    result = run_cli(
        "export", REVIEW, "--to", str(tmp_path / "r.json"), "--data-dir", str(data_dir)
    )
    _one_line_error(result, "cannot be read", "no earlier revision can be read either")


def test_export_of_an_unknown_revision(data_dir, tmp_path):
    out = tmp_path / "r.json"
    result = run_cli(
        "export", REVIEW, "--revision", "99", "--to", str(out), "--data-dir", str(data_dir)
    )
    _one_line_error(result, f"unknown review '{REVIEW} revision 99'")
    assert not out.exists()


# -- a store file that is not a store ---------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "said"),
    [(b"", "the store file is empty (0 bytes)"), (os.urandom(4096), "not an SQLite database")],
    ids=["empty", "random"],
)
@pytest.mark.parametrize("command", ["check", "export", "serve"])
def test_a_store_file_that_is_not_a_store(tmp_path, content, said, command):
    store = tmp_path / DB_NAME
    store.write_bytes(content)
    args = {
        "check": ["check"],
        "export": ["export", REVIEW, "--to", str(tmp_path / "r.json")],
        "serve": ["serve", "--port", str(free_port())],
    }[command]
    result = run_cli(*args, "--data-dir", str(tmp_path), timeout=60)
    _one_line_error(result, str(store), said)
    assert store.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]


# -- import: what is not a file ---------------------------------------------------------------


def test_import_refuses_a_fifo_at_once(tmp_path):
    fifo = tmp_path / "school.json"
    os.mkfifo(fifo)
    result = run_cli("import", str(fifo), "--data-dir", str(tmp_path / "data"), timeout=30)
    _one_line_error(result, f"{fifo}: this is a named pipe (FIFO), not a file")
    assert not (tmp_path / "data").exists()


def test_import_refuses_a_fifo_inside_a_folder(tmp_path):
    folder = tmp_path / "hub"
    folder.mkdir()
    (folder / "a.json").write_text(
        (SAMPLE / "schools" / "oakfield-academy.json").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    os.mkfifo(folder / "b.json")
    result = run_cli("import", str(folder), "--data-dir", str(tmp_path / "data"), timeout=30)
    _one_line_error(result, f"{folder / 'b.json'}: this is a named pipe (FIFO)")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_import_refuses_a_device(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is not on this machine")
    result = run_cli("import", device, "--data-dir", str(tmp_path / "data"), timeout=30)
    _one_line_error(result, f"{device}: this is a device, not a file")


def test_import_passes_over_hidden_folders_and_files(tmp_path):
    folder = tmp_path / "hub"
    (folder / ".git").mkdir(parents=True)
    school = json.loads((SAMPLE / "schools" / "oakfield-academy.json").read_text("utf-8"))
    hidden = {**school, "id": "hidden-school", "name": "Hidden School"}
    (folder / ".git" / "x.json").write_text(json.dumps(hidden), encoding="utf-8")
    (folder / ".backup.json").write_text(json.dumps(hidden), encoding="utf-8")
    only_hidden = run_cli("import", str(folder), "--data-dir", str(tmp_path / "data"))
    _one_line_error(only_hidden, f"{folder}: no .json files in this folder")
    (folder / "oakfield.json").write_text(json.dumps(school), encoding="utf-8")
    result = run_cli("import", str(folder), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "1 school(s) and 0 review(s) added" in result.stdout
    checked = run_cli("check", "--data-dir", str(tmp_path / "data"))
    assert "1 schools, 0 reviews" in checked.stdout


# -- an evidence CSV with a quote left open ---------------------------------------------------


def test_an_unterminated_quote_in_an_evidence_csv(tmp_path):
    # No command reads evidence files itself: the impact page does, through this loader.
    header = (SAMPLE / "evidence" / "encounters_2026-27.csv").read_text("utf-8").splitlines()[0]
    rows = [
        "2026-09-18,12,employer_encounter,Acme Ltd,10,Talk",
        '2026-09-19,11,employer_encounter,Bolt plc,20,"Fair, with stalls"',
        '2026-09-20,10,employer_encounter,Crane & Co,30,"Visit to the works{close}',
        "2026-09-21,10,employer_encounter,Dale Farm,40,Talk",
    ]
    path = tmp_path / "encounters.csv"
    text = "\n".join([header, *rows]) + "\n"
    path.write_text(text.format(close='"'), encoding="utf-8")
    assert len(load_encounters(path).activities) == 4  # the file is good but for the quote
    path.write_text(text.format(close=""), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_encounters(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: row 4: description: a quoted value is never closed")
    assert "line 4" in message
