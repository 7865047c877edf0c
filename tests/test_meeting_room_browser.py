"""Every served page as a leadership team sees it on a projector: Chromium at 1280x720.

Each page of the sample hub is visited once, with every step open, and checked four ways:
text is at least 16 px, no label, button or field cuts its text off, axe-core finds nothing
critical or serious, and nothing is asked of another machine (the meeting room may be offline).
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from careers_review import default_framework

from .conftest import IN_CI, ROOT, open_every_step, open_step

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCHOOL = "ashcombe-girls-school"  # no other browser test uses it: its pages are the sample's
SCREEN = {"width": 1280, "height": 720}
#: Each served page, and what shows that it is drawn.
PAGES = {
    "start": ("00_start_here", True),
    "foundations": ("01_leadership_foundations", True),
    "internal review": ("02_internal_review", True),
    "plan": ("03_strategic_plan", True),
    "impact": ("04_impact_evaluation", True),
    "governor report": ("05_governor_report", False),
    "hub summary": ("hub_summary", False),
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SMALLEST_TEXT = 16.0
AXE_VERSION = "4.10.3"
AXE_INSTALL = (
    "npm install --no-audit --no-fund --silent --prefix .venv/node axe-core@" + AXE_VERSION
)


def axe_script() -> Path:
    """axe-core's script, installed by `make test`; missing in CI is a failure, not a skip."""
    for venv in (Path(sys.prefix), ROOT / ".venv"):
        path = venv / "node" / "node_modules" / "axe-core" / "axe.min.js"
        if path.exists():
            return path
    message = f"axe-core is not installed in the venv: run `make test` or `{AXE_INSTALL}`"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


#: Visible text nodes whose font is smaller than the smallest allowed size.
SMALL_TEXT = """(smallest) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let total = 0, small = 0;
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest('script, style, noscript, title, option')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
    const style = getComputedStyle(parent);
    if (style.visibility !== 'visible' || parseFloat(style.opacity) === 0) continue;
    const size = parseFloat(style.fontSize);
    total += text.length;
    if (size < smallest - 0.01) {
      small += text.length;
      const where = `${parent.tagName.toLowerCase()}.${parent.className}`;
      found.push(`${size}px ${where}: ${text.slice(0, 50)}`);
    }
  }
  return {total, small, found};
}"""

#: Visible labels, buttons and fields whose text does not fit in them.
CLIPPED = """() => {
  const context = document.createElement('canvas').getContext('2d');
  const skip = new Set(['hidden', 'checkbox', 'radio', 'file', 'range', 'color']);
  const found = [];
  const roomFor = (el, style) => el.clientWidth - parseFloat(style.paddingLeft)
    - parseFloat(style.paddingRight);
  const widthOf = (text, style) => {
    context.font = style.font;
    return context.measureText(text).width;
  };
  const controls = 'label, button, select, input, textarea, .widget-label';
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || style.visibility !== 'visible') continue;
    if (el.tagName === 'INPUT' && skip.has(el.type)) continue;
    const texts = [];
    if (el.tagName === 'SELECT') {
      const shown = el.multiple || el.size > 1 ? [...el.options] : [el.options[el.selectedIndex]];
      for (const option of shown.filter(Boolean)) {
        if (widthOf(option.text, style) > roomFor(el, style) + 1) texts.push(option.text);
      }
    } else if (el.tagName === 'INPUT') {
      const text = el.value || el.placeholder || '';
      if (el.scrollWidth > el.clientWidth + 1 ||
          (el.type !== 'date' && widthOf(text, style) > roomFor(el, style) + 1)) texts.push(text);
    } else if (el.scrollWidth > el.clientWidth + 1) {
      texts.push(el.tagName === 'TEXTAREA' ? el.value : el.textContent);
    }
    for (const text of texts) {
      found.push(`${el.tagName.toLowerCase()}.${el.className}: ${text.trim().slice(0, 60)}`);
    }
  }
  return found;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
    where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


@dataclass
class Audit:
    """What one page showed: small text, cut-off texts, axe's violations, outside requests."""

    small_text: dict = field(default_factory=dict)
    clipped: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def counts(self) -> str:
        """axe's findings as 'critical 1 (image-alt), serious 0, moderate 2 (region, ...)'."""
        words = []
        for impact in ("critical", "serious", "moderate", "minor"):
            ids = sorted(v["id"] for v in self.violations if v["impact"] == impact)
            words.append(f"{impact} {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
        return ", ".join(words)


def _outside(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in {"data", "blob", "about"}:
        return False
    return (parsed.hostname or "") not in LOOPBACK


def _visit(browser, base: str, notebook: str, workbook: bool, axe: Path) -> Audit:
    audit = Audit()
    page = browser.new_page(viewport=SCREEN)
    page.on("request", lambda r: audit.outside.append(r.url) if _outside(r.url) else None)
    try:
        query = f"?school={SCHOOL}" if notebook != "hub_summary" else ""
        page.goto(f"{base}/voila/render/{notebook}.ipynb{query}", timeout=90_000)
        if workbook:
            open_every_step(page, timeout=60_000)
            if notebook == "02_internal_review":  # the level cards show in an open theme
                page.locator(".cr-theme-header").first.click()
                page.locator(".cr-level-card").first.wait_for(timeout=30_000)
        else:
            page.locator(".cr-next a, .cr-hub h1, h1").first.wait_for(timeout=60_000)
        page.wait_for_timeout(300)  # the last layout after widgets are drawn
        audit.small_text = page.evaluate(SMALL_TEXT, SMALLEST_TEXT)
        audit.clipped = page.evaluate(CLIPPED)
        page.add_script_tag(path=str(axe))
        audit.violations = page.evaluate(AXE_RUN)
        if os.environ.get("CR_SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['CR_SCREENSHOTS']}/{notebook}.png")
    finally:
        page.close()
    return audit


@pytest.fixture(scope="module")
def audits(voila_server, browser) -> dict[str, Audit]:
    """Each page visited once; the tests below read what was found."""
    axe = axe_script()
    found = {
        name: _visit(browser, voila_server, notebook, workbook, axe)
        for name, (notebook, workbook) in PAGES.items()
    }
    for name, audit in found.items():
        print(f"{name}: axe {audit.counts()}")
        for violation in audit.violations:
            print(
                f"    {violation['impact']} {violation['id']} x{violation['nodes']}: "
                f"{violation['where']}"
            )
    return found


def test_text_is_large_enough_for_a_projector(audits):
    small = {
        name: f"{a.small_text['small']} of {a.small_text['total']} characters: "
        + "; ".join(a.small_text["found"][:8])
        for name, a in audits.items()
        if a.small_text["small"]
    }
    assert not small, f"text under {SMALLEST_TEXT:g} px: {small}"


def test_no_label_button_or_field_cuts_its_text_off(audits):
    clipped = {name: a.clipped for name, a in audits.items() if a.clipped}
    assert not clipped, f"cut off at 1280x720: {clipped}"


def test_axe_finds_nothing_critical_or_serious(audits):
    per_page = {name: a.counts() for name, a in audits.items()}
    bad = Counter(
        f"{name}: {v['impact']} {v['id']}"
        for name, a in audits.items()
        for v in a.violations
        if v["impact"] in {"critical", "serious"}
    )
    assert not bad, f"axe-core per page: {per_page}; to fix: {sorted(bad)}"


def test_no_page_asks_another_machine_for_anything(audits):
    outside = {name: sorted(set(a.outside)) for name, a in audits.items() if a.outside}
    assert not outside, f"requests beyond this machine: {outside}"


#: The contrast ratio of two CSS colours (WCAG's relative luminance), and what the chosen and
#: an unchosen option of each kind look like.
CHOSEN = """(root) => {
  const within = document.querySelector(root);
  const rgb = (css) => css.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (css) => {
    const [r, g, b] = rgb(css).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // What shows behind an element: its own background, else the nearest one behind it.
  const backdrop = (el) => {
    for (let at = el; at; at = at.parentElement) {
      const colour = getComputedStyle(at).backgroundColor;
      const parts = colour.match(/[\\d.]+/g);
      if (parts && (parts.length < 4 || Number(parts[3]) > 0)) return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  const look = (chosen, other, marked) => {
    const [c, o] = [getComputedStyle(chosen), getComputedStyle(other)];
    const tick = getComputedStyle(marked, '::before').content;
    return {contrast: ratio(backdrop(chosen), backdrop(other)),
            border: parseFloat(c.borderTopWidth) - parseFloat(o.borderTopWidth),
            tick: tick.includes('\\u2713')};
  };
  const card = within.querySelector('.cr-level-card.cr-level-selected');
  const plain = within.querySelector('.cr-level-card:not(.cr-level-selected)');
  const toggle = within.querySelector('.widget-toggle-button.mod-active');
  const untoggled = within.querySelector('.widget-toggle-button:not(.mod-active)');
  const radio = [...within.querySelectorAll('.widget-radio-box label')];
  const checked = radio.find(l => l.querySelector('input:checked'));
  const unchecked = radio.find(l => !l.querySelector('input:checked'));
  const radioTick = getComputedStyle(checked, '::after').content.includes('\\u2713');
  return {
    card: look(card, plain, card.querySelector('strong')),
    toggle: look(toggle, untoggled, toggle),
    radio: {...look(checked, unchecked, checked), tick: radioTick},
  };
}"""


def test_chosen_options_focus_and_save_status_read_across_the_room(voila_server, browser):
    """A level chosen by clicking its card: the chosen card, toggle and radio stand out by
    contrast of at least 3:1 and by a tick and border, the keyboard focus ring is at least
    2 px, and the save status says "Saved 10:42" and stays on screen when the page scrolls."""
    page = browser.new_page(viewport=SCREEN)
    try:
        page.goto(f"{voila_server}/voila/render/02_internal_review.ipynb?school={SCHOOL}")
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        theme = default_framework().themes[0]
        open_step(page, "The themes").get_by_role("button", name=f"{theme.name}: ").click()
        panel = page.locator(f".cr-theme-{theme.id}")
        panel.wait_for(state="visible", timeout=30_000)
        unchosen = panel.locator(".cr-level-card:not(.cr-level-selected)").first
        name = unchosen.locator(".cr-level-choose").get_attribute("title") or ""
        unchosen.click()
        chosen = panel.locator(".cr-level-card.cr-level-selected")
        picked = f'.cr-level-card.cr-level-selected:has(.cr-level-choose[title="{name}"])'
        panel.locator(picked).wait_for(timeout=15_000)  # the card clicked is the one chosen
        assert chosen.count() == 1
        panel.locator(".widget-toggle-button", has_text="Strength").first.click()
        panel.locator(".widget-toggle-button.mod-active").first.wait_for(timeout=15_000)
        status = page.locator(".cr-save-status")
        status.filter(has_text=re.compile(r"^\s*Saved \d\d:\d\d\s*$")).wait_for(timeout=15_000)

        looks = page.evaluate(CHOSEN, f".cr-theme-{theme.id}")
        for kind, look in looks.items():
            assert look["contrast"] >= 3, f"chosen {kind} against unchosen: {look}"
            assert look["tick"] and look["border"] >= 0, f"chosen {kind} not only by colour: {look}"

        page.keyboard.press("Tab")
        ring = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); }"
        )
        assert ring >= 2, f"focus ring {ring} px"

        page.evaluate(
            "() => { for (const el of [document.scrollingElement,"
            " document.querySelector('#rendered_cells')]) if (el) el.scrollTop = el.scrollHeight; }"
        )
        page.wait_for_timeout(200)
        box = status.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], box
    finally:
        page.close()
