"""Charts are PNG bytes for any framework, and user text in them is drawn as plain text."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

from careers_review import default_framework, load_framework
from careers_review.charts import benchmark_scores_png, maturity_profile_png
from careers_review.summary import benchmark_scores

from . import factories
from .conftest import SAMPLE


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(BytesIO(png)).size


def test_dollar_signs_in_names_are_text_not_maths():
    fw = default_framework()
    title = r"St Dollar's $5 \frac{$ School"  # a '$' pair would otherwise start mathtext
    png = maturity_profile_png(fw, {t.id: 2 for t in fw.themes}, None, title=title)
    assert _size(png)[0] > 800
    scores = benchmark_scores(factories.review(), fw)
    assert _size(benchmark_scores_png(scores, title=title))[1] > 300


def test_chart_grows_with_a_six_theme_model():
    five = default_framework()
    six = load_framework(SAMPLE / "frameworks" / "six_themes.yaml")
    small = maturity_profile_png(five, {}, None)
    large = maturity_profile_png(six, {t.id: 5 for t in six.themes}, {t.id: 1 for t in six.themes})
    assert _size(large)[1] > _size(small)[1]
