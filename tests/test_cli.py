"""The command line as a user runs it: real processes, real files, real exit codes."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from careers_review import Store, dump_json, parse_document
from careers_review.cli import main
from careers_review.store import DB_NAME

from . import factories
from .conftest import ROOT, SAMPLE, run_cli

COMMANDS = ["serve", "lab", "import", "export", "framework", "check"]


def test_help_for_every_command(capsys):
    for command in COMMANDS:
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0
        out = capsys.readouterr().out
        assert f"careers-review {command}" in out and "--data-dir" in out


def test_console_script_and_module_both_run():
    script = Path(sys.executable).parent / "careers-review"
    assert script.exists(), "the careers-review console script is not installed"
    result = run_cli("--help")
    assert result.returncode == 0
    assert all(command in result.stdout for command in COMMANDS)


def test_import_is_idempotent_and_export_round_trips_exactly(tmp_path):
    data = tmp_path / "data"
    first = run_cli("import", str(SAMPLE), "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    schools = len(list((SAMPLE / "schools").glob("*.json")))
    reviews = sorted((SAMPLE / "reviews").glob("*.json"))
    assert f"{schools} school(s) and {len(reviews)} review(s) added" in first.stdout
    again = run_cli("import", str(SAMPLE), "--data-dir", str(data))
    assert "0 school(s) and 0 review(s) added" in again.stdout
    for source in reviews:
        out = tmp_path / "out" / source.name
        assert main(["export", source.stem, "--to", str(out), "--data-dir", str(data)]) == 0
        assert out.read_bytes() == source.read_bytes(), source.name


def test_export_then_import_elsewhere_is_identical(tmp_path, data_dir):
    review_id = "test-round-trip-2025-26"
    with Store(data_dir) as store:
        school = store.schools()[0]
        doc = factories.review(school.id, levels={"leaders_vision": 2}).model_copy(
            update={"id": review_id}
        )
        doc.ratings["leaders_vision"].notes = 'Quotes " and <tags> & emoji 🎓 survive'
        store.save(doc)
        store.save(school)
    exported = tmp_path / "r.json"
    assert main(["export", review_id, "--to", str(exported), "--data-dir", str(data_dir)]) == 0
    other = tmp_path / "other"
    school_file = tmp_path / "school.json"
    school_file.write_text(dump_json(school), encoding="utf-8")
    assert main(["import", str(school_file), str(exported), "--data-dir", str(other)]) == 0
    with Store(other) as store:
        assert store.review(review_id) == doc


def _review_json(tmp_path: Path, **change) -> Path:
    data = json.loads((next((SAMPLE / "reviews").glob("*.json"))).read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / "incoming.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _ratings(tmp_path, theme, level):
    sample = json.loads(next((SAMPLE / "reviews").glob("*.json")).read_text(encoding="utf-8"))
    ratings = sample["ratings"]
    ratings[theme] = {**next(iter(ratings.values())), "level": level}
    return _review_json(tmp_path, ratings=ratings)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda t: _ratings(t, "careers_fairs", 2), "ratings.careers_fairs: unknown theme"),
        (
            lambda t: _ratings(t, "leaders_vision", 7),
            "ratings.leaders_vision.level: 7 is out of range 1 to 4",
        ),
        (
            lambda t: _review_json(t, school_id="no-such-school"),
            "school_id: unknown school 'no-such-school'",
        ),
        (lambda t: _review_json(t, academic_year="2025"), "academic_year: must look like 2025/26"),
    ],
    ids=["unknown-theme", "level-out-of-range", "unknown-school", "bad-year"],
)
def test_bad_review_import_fails_cleanly_and_writes_nothing(tmp_path, data_dir, make, expected):
    path = make(tmp_path)
    with Store(data_dir) as store:
        before = store.revision_count()
    result = run_cli("import", str(path), "--data-dir", str(data_dir))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert str(path) in lines[0] and expected in lines[0]
    with Store(data_dir) as store:
        assert store.revision_count() == before


def test_bad_import_into_new_directory_creates_nothing(tmp_path):
    path = _review_json(tmp_path, academic_year="nope")
    result = run_cli("import", str(path), "--data-dir", str(tmp_path / "fresh"))
    assert result.returncode == 2
    assert not (tmp_path / "fresh").exists()


def test_not_json_is_named_with_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"kind": "review",\n  oops}', encoding="utf-8")
    assert main(["import", str(path), "--data-dir", str(tmp_path / "d")]) == 2


def test_malformed_framework_file(tmp_path, capsys):
    bad = tmp_path / "hub.yaml"
    bad.write_text("maturity_model:\n  id: x\n  levels: [\n", encoding="utf-8")
    assert main(["framework", "--framework", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("careers-review framework: error: ") and str(bad) in err
    assert len(err.splitlines()) == 1


def test_unknown_review_export(tmp_path, data_dir, capsys):
    out = tmp_path / "x.json"
    assert main(["export", "nowhere-2025-26", "--to", str(out), "--data-dir", str(data_dir)]) == 2
    assert "unknown review 'nowhere-2025-26'" in capsys.readouterr().err
    assert not out.exists()


def test_export_to_unsupported_format(tmp_path, data_dir, capsys):
    review_id = next((SAMPLE / "reviews").glob("*.json")).stem
    assert (
        main(["export", review_id, "--to", str(tmp_path / "r.txt"), "--data-dir", str(data_dir)])
        == 2
    )
    assert "cannot export to .txt" in capsys.readouterr().err


def test_corrupt_database_gives_exit_2(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"\x00garbage" * 500)
    before = (tmp_path / DB_NAME).read_bytes()
    result = run_cli("check", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert f"{tmp_path / DB_NAME}: the file is damaged" in result.stderr
    assert (tmp_path / DB_NAME).read_bytes() == before


def test_locked_database_gives_exit_2(tmp_path):
    sample_file = next((SAMPLE / "schools").glob("*.json"))
    assert main(["import", str(sample_file), "--data-dir", str(tmp_path)]) == 0
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        doc = parse_document(json.loads(sample_file.read_text(encoding="utf-8")))
        changed = tmp_path / "changed.json"
        changed.write_text(dump_json(doc.model_copy(update={"name": "Renamed"})), encoding="utf-8")
        result = run_cli("import", str(changed), "--data-dir", str(tmp_path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 2
    assert "locked by another program" in result.stderr


def test_check_passes_on_sample_and_reports_problems(tmp_path, data_dir):
    ok = run_cli("check", "--data-dir", str(data_dir))
    assert ok.returncode == 0, ok.stderr
    assert "All checks passed." in ok.stdout
    # The sample's reviews use the five-theme model: checked against six themes they fail.
    six = ROOT / "sample_data" / "frameworks" / "six_themes.yaml"
    bad = run_cli("check", "--data-dir", str(data_dir), "--framework", str(six))
    assert bad.returncode == 2
    assert "unknown theme" in bad.stderr


def test_framework_json_prints_framework_in_use(data_dir):
    result = run_cli("framework", "--json", "--data-dir", str(data_dir))
    data = json.loads(result.stdout)
    assert len(data["maturity_model"]["themes"]) == 5
    six = ROOT / "sample_data" / "frameworks" / "six_themes.yaml"
    (data_dir / "framework.yaml").write_bytes(six.read_bytes())
    result = run_cli("framework", "--json", "--data-dir", str(data_dir))
    data = json.loads(result.stdout)
    assert len(data["maturity_model"]["themes"]) == 6
    assert len(data["maturity_model"]["levels"]) == 5


def test_password_command_and_serve_options_say_what_to_fix(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["password", "--help"])
    assert exited.value.code == 0 and "careers-review password" in capsys.readouterr().out
    short = run_cli("password", "--to", str(tmp_path / "p"), input_text="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    assert not (tmp_path / "p").exists()
    not_a_hash = tmp_path / "plain.txt"
    not_a_hash.write_text("my password\n", encoding="utf-8")
    for args, says in (
        (["--port", "99999"], "choose a port from 1 to 65535"),
        (["--password-file", str(not_a_hash)], "not a password file"),
        (["--password-file", str(tmp_path / "missing")], "cannot read the password file"),
        (["--max-kernels", "0"], "must be 1 or more"),
    ):
        result = run_cli("serve", "--data-dir", str(tmp_path / "data"), *args, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr, args
