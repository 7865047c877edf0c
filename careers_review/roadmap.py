"""Where a school is on the roadmap: the served pages in order, and each one's state.

Every served page carries the same bar (`cr-roadmap`), so a leadership team always sees the
whole journey: the part it is on, what is done in the others, and the way to the next part.
The states are read from the store and the school's evidence folder; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from urllib.parse import quote

from .content import Framework
from .model import Review, School, academic_year_for
from .review_year import review_of
from .sections import PLAIN_TEXT
from .store import Store
from .summary import profile

__all__ = [
    "PARTS",
    "Bar",
    "Part",
    "PartState",
    "evidence_found",
    "href",
    "next_link",
    "next_part",
    "part",
    "part_states",
    "roadmap_bar",
    "roadmap_html",
    "steps_html",
]


@dataclass(frozen=True)
class Part:
    """One served page of the journey."""

    key: str
    title: str
    workbook: str


PARTS: tuple[Part, ...] = (
    Part("start", "Start", "00_start_here"),
    Part("foundations", "Leadership foundations", "01_leadership_foundations"),
    Part("review", "Internal review", "02_internal_review"),
    Part("plan", "Strategic plan", "03_strategic_plan"),
    Part("impact", "Impact evaluation", "04_impact_evaluation"),
    Part("report", "Governor report", "05_governor_report"),
)


@dataclass(frozen=True)
class PartState:
    """A part and how far this school has got with it, in a few words."""

    part: Part
    state: str
    done: bool = False


def part(key: str) -> Part:
    for candidate in PARTS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def next_part(key: str) -> Part | None:
    """The part after `key`, or None after the last."""
    keys = [p.key for p in PARTS]
    index = keys.index(key)
    return PARTS[index + 1] if index + 1 < len(PARTS) else None


def href(target: Part, school_id: str) -> str:
    """A link to a part for a school: relative, so it works under any Voilà prefix."""
    query = f"?school={quote(school_id)}" if school_id else ""
    return f"{target.workbook}.ipynb{query}"


def evidence_found(data_dir: Path | None, school_id: str) -> tuple[int, int]:
    """How many of the evidence files the impact evaluation reads a school's folder holds."""
    from .evidence.gather import EvidenceFiles, discover_evidence
    from .workspace import EVIDENCE_FOLDER

    kinds = (
        "destinations",
        "learner_survey",
        "previous_learner_survey",
        "parent_survey",
        "encounters",
    )
    if data_dir is None:
        return 0, len(kinds)
    found = discover_evidence(data_dir / EVIDENCE_FOLDER / school_id, EvidenceFiles())
    return sum(1 for kind in kinds if getattr(found, kind)), len(kinds)


def part_states(
    store: Store,
    framework: Framework,
    school: School,
    *,
    academic_year: str = "",
    today: date | None = None,
    review: Review | None = None,
    evidence: tuple[int, int] | None = None,
) -> list[PartState]:
    """Each part's state for a school's review of a year (this year's unless given). A page
    that holds the review passes it, so the bar shows what is on screen, saved or not; a page
    that redraws the bar on every save passes the evidence count it made once (`evidence_found`),
    so that a save does not read the evidence folder again."""
    today = today or date.today()
    year = academic_year or academic_year_for(today)
    if review is None:
        review = review_of(store, school.id, year)
    leader = school.careers_leader.name.strip()
    states = [PartState(PARTS[0], f"Careers Leader: {leader}" if leader else "profile to check")]
    if review is None:
        not_started = f"not started for {year}"
        states += [PartState(p, not_started) for p in PARTS[1:4]]
    else:
        duties = framework.statutory.duties
        checks = review.foundations.duties
        met = sum(1 for d in duties if d.id in checks and checks[d.id].status == "met")
        states.append(PartState(PARTS[1], f"{met} of {len(duties)} duties met", met == len(duties)))
        result = profile(review, framework)
        states.append(
            PartState(
                PARTS[2],
                f"{result.agreed} of {result.total} themes agreed",
                result.agreed == result.total,
            )
        )
        count = len(review.plan.priorities)
        words = "1 priority" if count == 1 else f"{count} priorities"
        states.append(PartState(PARTS[3], words if count else "no priorities yet", count > 0))
    found, total = evidence or evidence_found(store.data_dir, school.id)
    states.append(PartState(PARTS[4], f"{found} of {total} evidence files", found == total))
    ready = review is not None and profile(review, framework).agreed > 0
    states.append(PartState(PARTS[5], "ready to export" if ready else "after the review", ready))
    return states


def roadmap_html(states: list[PartState], current: str, school_id: str) -> str:
    """The bar every page carries: the parts in order, the current one marked, each linked
    for the same school and showing its state."""
    items = []
    for number, item in enumerate(states, start=1):
        is_current = item.part.key == current
        classes = ["cr-roadmap-part", f"cr-roadmap-{item.part.key}"]
        classes += ["cr-current"] if is_current else []
        classes += ["cr-done"] if item.done else []
        mark = " aria-current='page'" if is_current else ""
        items.append(
            f"<li class='{' '.join(classes)}'{mark}>"
            f"<a href='{escape(href(item.part, school_id), quote=True)}' target='_self'>"
            f"<span class='cr-roadmap-number'>{number}</span> "
            f"<span class='cr-roadmap-title'>{escape(item.part.title)}</span></a>"
            f"<span class='cr-roadmap-state'>{escape(item.state)}</span></li>"
        )
    return (
        f"<nav class='cr-roadmap {PLAIN_TEXT}' aria-label='Roadmap'><ol>{''.join(items)}</ol></nav>"
    )


def steps_html(steps: list[tuple[str, str]]) -> str:
    """The page's own steps, each a link that jumps to it: (anchor key, title) pairs."""
    links = "".join(
        f"<li>{number}. <a href='#cr-step-{escape(key, quote=True)}' target='_self'>"
        f"{escape(title)}</a></li>"
        for number, (key, title) in enumerate(steps, start=1)
    )
    return (
        f"<nav class='cr-step-list {PLAIN_TEXT}' aria-label='Steps on this page'>"
        f"<span>On this page:</span><ol>{links}</ol></nav>"
    )


@dataclass(frozen=True)
class Bar:
    """A piece of the journey as static HTML, for a page without widgets (the governor
    report); a printed or exported report leaves it out."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def _style() -> str:
    css = (Path(__file__).parent / "app" / "workbook.css").read_text(encoding="utf-8")
    return f"<style>{css}</style>"


def roadmap_bar(
    school_id: str, data_dir: str = "", framework: str = "", current: str = "report"
) -> Bar:
    """The roadmap for a static page, read from a read-only store."""
    from .workspace import open_workspace

    workspace = open_workspace(data_dir or None, framework or None, create=False, read_only=True)
    try:
        school = workspace.store.school(school_id)
        states = part_states(workspace.store, workspace.framework, school)
    finally:
        workspace.close()
    return Bar(_style() + roadmap_html(states, current, school_id))


def next_link(school_id: str, current: str = "report") -> Bar:
    """The way on from a static page: the next part, or back to the start after the last."""
    after = next_part(current) or PARTS[0]
    words = f"Next: {after.title}" if after is not PARTS[0] else "Back to the start"
    return Bar(
        f"<p class='cr-next'><a href='{escape(href(after, school_id), quote=True)}' "
        f"target='_self'>{escape(words)} \u2192</a></p>"
    )
