"""A hub's own six-theme, five-level model working end to end: nothing assumes five or four."""

from __future__ import annotations

import json

from careers_review import Store, dump_json, load_framework, profile
from careers_review.app.start import start_page_parts
from careers_review.cli import main

from . import factories
from .conftest import SAMPLE

SIX = SAMPLE / "frameworks" / "six_themes.yaml"
LEVELS = {"vision": 5, "planning": 4, "curriculum": 1, "encounters": 3, "guidance": 2, "impact": 5}


def test_six_theme_hub_from_import_to_start_page_and_export(tmp_path, capsys):
    data = tmp_path / "hub"
    data.mkdir()
    (data / "framework.yaml").write_bytes(SIX.read_bytes())  # the data directory's own model
    school = factories.school("six-school", name="Sixfold Academy")
    review = factories.review("six-school", levels=LEVELS)
    review.ratings["curriculum"].focus = "priority"
    files = tmp_path / "in"
    files.mkdir()
    (files / "school.json").write_text(dump_json(school), encoding="utf-8")
    (files / "review.json").write_text(dump_json(review), encoding="utf-8")

    assert main(["import", str(files), "--data-dir", str(data)]) == 0
    assert main(["check", "--data-dir", str(data)]) == 0
    assert "All checks passed." in capsys.readouterr().out

    fw = load_framework(SIX)
    with Store(data) as store:
        stored = store.review(review.id)
        result = profile(stored, fw)
        assert result.total == 6 and result.complete
        assert [t.level_name for t in result.themes] == [
            "Leading",
            "Secure",
            "Starting",
            "Developing",
            "Emerging",
            "Leading",
        ]
        assert [t.theme_id for t in result.priorities] == ["curriculum"]
        top, shown, bottom = start_page_parts(store, fw, "six-school")
        html = top + bottom
        assert shown == school
    assert "Vision and culture" in html and "Leading" in html and "6 of 6 themes agreed" in html

    out = tmp_path / "out.json"
    assert main(["export", review.id, "--to", str(out), "--data-dir", str(data)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["ratings"]["vision"]["level"] == 5

    # The same review is refused by the built-in four-level model: level 5 is out of range.
    other = tmp_path / "builtin"
    assert main(["import", str(files / "school.json"), "--data-dir", str(other)]) == 0
    capsys.readouterr()
    assert main(["import", str(out), "--data-dir", str(other)]) == 2
    assert "unknown theme" in capsys.readouterr().err
