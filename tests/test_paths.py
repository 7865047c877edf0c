"""Ids and names a user gives never make the product write outside its data or output folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from careers_review import InputError, dump_json, parse_document
from careers_review.cli import main

from . import factories

HOSTILE_IDS = [
    "../escape",
    "..",
    "a/b",
    "/etc/passwd",
    "a\\b",
    "C:evil",
    ".hidden",
    "a b",
    "",
    "x" * 65,
]


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_school_and_review_ids_must_be_plain_names(bad):
    school = json.loads(dump_json(factories.school()))
    review = json.loads(dump_json(factories.review()))
    for document, field in ((school, "id"), (review, "id"), (review, "school_id")):
        changed = {**document, field: bad}
        with pytest.raises(InputError, match=f"x.json: {field}: "):
            parse_document(changed, "x.json")


def test_batch_workbook_name_cannot_climb_out(tmp_path, data_dir, capsys):
    listing = tmp_path / "schools.csv"
    listing.write_text("school_id,name\noakfield-academy,Oakfield Academy\n", encoding="utf-8")
    out = tmp_path / "round" / "out"
    names = ("../workbooks/05_governor_report", "/tmp/05_governor_report", "05_governor_report/..")
    # Where each name would land if it were joined to the school's output folder as given.
    landing = [
        Path(os.path.normpath(out / "oakfield-academy" / f"{name}{suffix}"))
        for name in names
        for suffix in (".ipynb", ".html")
    ]
    assert not any(path.exists() for path in landing)
    for name in names:
        code = main(
            [
                "batch",
                str(listing),
                "--out",
                str(out),
                "--data-dir",
                str(data_dir),
                "--workbook",
                name,
                "--quiet",
            ]
        )
        assert code == 2
        assert "no such workbook" in capsys.readouterr().err
    assert not any(p.suffix in (".ipynb", ".html") for p in tmp_path.rglob("*"))
    assert not any(path.exists() for path in landing), landing


def test_imported_review_with_climbing_id_writes_nothing(tmp_path, capsys):
    review = json.loads(dump_json(factories.review()))
    review["id"] = "../../outside"
    path = tmp_path / "review.json"
    path.write_text(json.dumps(review), encoding="utf-8")
    assert main(["import", str(path), "--data-dir", str(tmp_path / "data")]) == 2
    assert "id: use 1 to 64 letters, digits, '-' or '_'" in capsys.readouterr().err
    assert not (tmp_path / "data").exists() and not (tmp_path.parent / "outside").exists()
