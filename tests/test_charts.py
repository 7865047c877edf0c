"""Charts are PNG bytes for any framework, and user text in them is drawn as plain text."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
from matplotlib.colors import to_rgb
from PIL import Image

from careers_review import default_framework, load_framework
from careers_review.charts import benchmark_scores_png, maturity_profile_png
from careers_review.hub_charts import level_colours, levels_heatmap_png
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


def test_hub_heatmap_draws_dollar_names_and_a_five_level_scale():
    six = load_framework(SAMPLE / "frameworks" / "six_themes.yaml")
    themes = [t.id for t in six.themes]
    frame = pd.DataFrame([[1, 2, 3, 4, 5, float("nan")]], index=["one"], columns=themes)
    png = levels_heatmap_png(six, frame, [r"St Dollar's $5 \frac{$ School"], title="$a$ hub")
    assert _size(png)[0] > 800
    colours = level_colours(len(six.levels))
    weights = (0.299, 0.587, 0.114)
    grey = [sum(w * c for w, c in zip(weights, to_rgb(h), strict=True)) for h in colours]
    assert len(set(colours)) == 5 and grey == sorted(grey)  # dark to light, ordered in greyscale
