"""The two documents a page edits: a school's profile, and its review for one year.

Each edit is one method that changes the document through the model's rules and asks for a
save; views call these and redraw from the document, so that the rules are tested here
without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from .. import planning
from ..content import Framework, KeyRole
from ..errors import UnknownReviewError
from ..model import (
    CriterionStatus,
    DutyCheck,
    Foundations,
    Participant,
    Plan,
    Priority,
    ResponsibilityCheck,
    Review,
    School,
    ThemeRating,
    academic_year_for,
    review_id_for,
)
from ..store import Store
from ..store_revisions import Kind
from ..summary import Profile, profile, weakest_benchmarks
from .session import AutosaveSession

__all__ = ["Removed", "ReviewSession", "SchoolSession"]


@dataclass(frozen=True)
class Removed:
    """What one removal took away, and from where, so that it can be put back as it was.

    `kind` is the list it came from: "priorities", "actions", "milestones", "kpis" (of the
    priority `priority_id`) or "participants"; `after` is the id of the item it followed,
    None when it was first.
    """

    kind: str
    item: Any
    index: int
    after: str | None
    priority_id: str = ""


def _removed(kind: str, items: list[Any], item_id: str, priority_id: str = "") -> Removed:
    index = next((i for i, item in enumerate(items) if item.id == item_id), None)
    if index is None:
        raise KeyError(f"there is no {kind} item {item_id!r}")
    after = items[index - 1].id if index else None
    return Removed(kind, items[index].model_copy(deep=True), index, after, priority_id)


class SchoolSession(AutosaveSession[School]):
    kind: Kind = "school"

    def __init__(
        self, store: Store, school_id: str, *, autosave_delay: float = 0.4, author: str = "app"
    ):
        school = store.school(school_id)
        base = store.revisions("school", school_id)[-1].number
        super().__init__(store, school, base, autosave_delay=autosave_delay, author=author)

    def _read(self, number: int) -> School:
        return self.store.school(self.document.id, number)

    def set(self, **fields: object) -> None:
        """Change profile fields; `careers_leader_<field>` edits the Careers Leader's contact."""
        contact = {
            k.removeprefix("careers_leader_"): v
            for k, v in fields.items()
            if k.startswith("careers_leader_")
        }
        plain = {k: v for k, v in fields.items() if not k.startswith("careers_leader_")}
        if contact:
            plain["careers_leader"] = self.document.careers_leader.model_copy(update=contact)
        updated = self.document.model_validate({**self.document.model_dump(), **plain})
        if updated != self.document:
            self.document = updated
            self.changed()


class ReviewSession(AutosaveSession[Review]):
    """One school's review for one academic year (this year's unless given), open in one
    page. Opening never writes: a review not saved yet is a draft until its first edit.
    Which year a page opens, and starting a new one, is `review_year`'s business."""

    kind: Kind = "review"

    def __init__(
        self,
        store: Store,
        framework: Framework,
        school_id: str,
        *,
        academic_year: str = "",
        today: date | None = None,
        autosave_delay: float = 0.4,
        author: str = "app",
    ):
        today = today or date.today()
        self.framework = framework
        self.school = store.school(school_id)
        year = academic_year or academic_year_for(today)
        review_id = review_id_for(school_id, year)
        try:
            review = store.review(review_id)
            base = store.revisions("review", review_id)[-1].number
        except UnknownReviewError:
            # A draft: opening writes nothing. Its first edit saves it against "nothing yet"
            # (revision 0), so a second tab's draft of the same review merges with it.
            review = Review(
                id=review_id,
                school_id=school_id,
                academic_year=year,
                review_date=today,
                framework_id=framework.id,
            )
            base = 0
        super().__init__(store, review, base, autosave_delay=autosave_delay, author=author)
        self.previous = store.previous_review(review)

    @property
    def review(self) -> Review:
        return self.document

    @property
    def draft(self) -> bool:
        """Not in the store yet: a review nobody has recorded anything in."""
        return self.base == 0

    def _read(self, number: int) -> Review:
        return self.store.review(self.document.id, number)

    # -- edits --------------------------------------------------------------------------

    def set_rating(self, theme_id: str, **fields: object) -> None:
        """Change the level, evidence, notes or focus agreed for one theme."""
        self.framework.maturity_model.theme(theme_id)  # KeyError for a theme not in the model
        current = self.review.rating(theme_id)
        updated = ThemeRating.model_validate({**current.model_dump(), **fields})
        if updated != current or theme_id not in self.review.ratings:
            if updated == ThemeRating() and theme_id not in self.review.ratings:
                return
            self.review.ratings = {**self.review.ratings, theme_id: updated}
            self.changed()

    def set_review_date(self, value: date) -> None:
        if value and value != self.review.review_date:
            self.review.review_date = value
            self.changed()

    def set_participants(self, participants: list[Participant]) -> None:
        if participants != self.review.participants:
            self.review.participants = list(participants)
            self.changed()

    def remove_participant(self, participant_id: str) -> Removed:
        removed = _removed("participants", self.review.participants, participant_id)
        self.set_participants([p for p in self.review.participants if p.id != participant_id])
        return removed

    def _set_foundations(self, **changes: object) -> None:
        current = self.review.foundations
        updated = Foundations.model_validate({**current.model_dump(), **changes})
        if updated != current:
            self.review.foundations = updated
            self.changed()

    def set_foundations(self, **fields: object) -> None:
        """Senior line manager, protected hours, budget, training."""
        self._set_foundations(**fields)

    def set_responsibility(self, item_id: str, **fields: object) -> None:
        items = dict(self.review.foundations.responsibilities)
        current = items.get(item_id) or ResponsibilityCheck()
        items[item_id] = ResponsibilityCheck.model_validate({**current.model_dump(), **fields})
        self._set_foundations(responsibilities=items)

    def set_duty(self, duty_id: str, **fields: object) -> None:
        items = dict(self.review.foundations.duties)
        current = items.get(duty_id) or DutyCheck()
        items[duty_id] = DutyCheck.model_validate({**current.model_dump(), **fields})
        self._set_foundations(duties=items)

    def set_role_holder(self, role_id: str, holder: str) -> None:
        self._set_foundations(
            role_holders={**self.review.foundations.role_holders, role_id: holder}
        )

    def set_encounters(self, key_phase_id: str, count: int) -> None:
        self._set_foundations(
            encounters={**self.review.foundations.encounters, key_phase_id: count}
        )

    def set_criterion(self, criterion_id: str, status: str) -> None:
        if self.review.gatsby.get(criterion_id, "") != status:
            marked = cast(CriterionStatus, status)  # checked by the model as it is set
            self.review.gatsby = {**self.review.gatsby, criterion_id: marked}
            self.changed()

    # -- the plan, an item at a time ------------------------------------------------------

    def _edit_plan(self, plan: Plan) -> None:
        if plan != self.review.plan:
            self.review.plan = plan
            self.changed()

    def edit_plan(self, **fields: Any) -> None:
        """The plan's vision or intent."""
        self._edit_plan(planning.edit_plan(self.review.plan, **fields))

    def add_priority(self, title: str = "", link: str = "") -> str:
        plan, priority_id = planning.add_priority(self.review.plan, title, link)
        self._edit_plan(plan)
        return priority_id

    def remove_priority(self, priority_id: str) -> Removed:
        """Remove a priority; what is returned puts it back (`put_back`)."""
        removed = _removed("priorities", self.review.plan.priorities, priority_id)
        self._edit_plan(planning.remove_priority(self.review.plan, priority_id))
        return removed

    def restore_priority(self, priority: Priority, index: int, after: str | None) -> None:
        """A removed priority back where it was, saved like any edit."""
        self._edit_plan(planning.restore_priority(self.review.plan, priority, index, after))

    def edit_priority(self, priority_id: str, **fields: Any) -> None:
        """A priority's title or the theme or benchmark it comes from."""
        self._edit_plan(planning.edit_priority(self.review.plan, priority_id, **fields))

    def set_objectives(self, priority_id: str, texts: list[str]) -> None:
        self._edit_plan(planning.set_objectives(self.review.plan, priority_id, texts))

    def add_plan_item(self, priority_id: str, kind: str) -> str:
        """A new action, milestone or KPI (`kind`: actions, milestones, kpis)."""
        plan, item_id = planning.add_item(self.review.plan, priority_id, kind)
        self._edit_plan(plan)
        return item_id

    def edit_plan_item(self, priority_id: str, kind: str, item_id: str, **fields: Any) -> None:
        self._edit_plan(planning.edit_item(self.review.plan, priority_id, kind, item_id, **fields))

    def remove_plan_item(self, priority_id: str, kind: str, item_id: str) -> Removed:
        """Remove an action, milestone or KPI; what is returned puts it back (`put_back`)."""
        priorities = [p for p in self.review.plan.priorities if p.id == priority_id]
        if not priorities:
            raise KeyError(f"the plan has no priority {priority_id!r}")
        removed = _removed(kind, getattr(priorities[0], kind), item_id, priority_id)
        self._edit_plan(planning.remove_item(self.review.plan, priority_id, kind, item_id))
        return removed

    def restore_plan_item(
        self, priority_id: str, kind: str, item: Any, index: int, after: str | None
    ) -> None:
        """A removed action, milestone or KPI back where it was (KeyError when its priority
        is gone)."""
        plan = planning.restore_item(self.review.plan, priority_id, kind, item, index, after)
        self._edit_plan(plan)

    def put_back(self, removed: Removed) -> str:
        """Undo one removal: the item back at its place, with all its fields and its id.
        Returns "" when it is back (or was already, kept by another page that changed it),
        else why it cannot come back."""
        if removed.kind == "participants":
            self.set_participants(
                planning.put_back(
                    self.review.participants, removed.item, removed.index, removed.after
                )
            )
        elif removed.kind == "priorities":
            self.restore_priority(removed.item, removed.index, removed.after)
        else:
            try:
                self.restore_plan_item(
                    removed.priority_id, removed.kind, removed.item, removed.index, removed.after
                )
            except KeyError:
                return "its priority has been removed on another page since"
        return ""

    def set_outcomes(self, year: str, texts: list[str]) -> None:
        """One year group's careers learning outcomes, one a line."""
        self._edit_plan(planning.set_outcomes(self.review.plan, year, texts))

    def set_plan(self, plan: Plan) -> None:
        """Replace the plan with an edited copy (views build it from what is on screen)."""
        if plan != self.review.plan:
            self.review.plan = plan
            self.changed()

    def seed_plan_priorities(self, include_benchmarks: bool = False) -> int:
        """Add each priority theme (and, if asked, the two weakest benchmarks) to the plan's
        priorities, unless the plan already has a priority linked to it."""
        linked = {p.link for p in self.review.plan.priorities}
        candidates = [(f"theme:{r.theme_id}", r.name) for r in self.profile().priorities]
        if include_benchmarks:
            candidates += [
                (f"benchmark:{s.number}", f"Benchmark {s.number}: {s.name}")
                for s in weakest_benchmarks(self.review, self.framework)
            ]
        added = [
            Priority(title=title, link=link) for link, title in candidates if link not in linked
        ]
        if added:
            self.review.plan = self.review.plan.model_copy(
                update={"priorities": [*self.review.plan.priorities, *added]}
            )
            self.changed()
        return len(added)

    # -- derived ------------------------------------------------------------------------

    def profile(self) -> Profile:
        return profile(self.review, self.framework)

    def missing_attendees(self) -> list[KeyRole]:
        present = {p.role for p in self.review.participants if p.name.strip()}
        return [
            r for r in self.framework.key_roles if r.recommended_attendee and r.id not in present
        ]

    def previous_levels(self) -> dict[str, int | None] | None:
        if self.previous is None:
            return None
        return {t.id: self.previous.rating(t.id).level for t in self.framework.themes}
