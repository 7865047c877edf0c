"""`careers-review check`: is this data directory and framework fit to run a review on?"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .errors import CareersReviewError
from .model import check_review
from .workspace import open_workspace

__all__ = ["CheckReport", "check_data_dir"]


@dataclass
class CheckReport:
    data_dir: str
    framework: str
    schools: int = 0
    reviews: int = 0
    revisions: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data_dir(
    data_dir: str | os.PathLike[str] | None = None,
    framework: str | os.PathLike[str] | None = None,
) -> CheckReport:
    """Load the framework, open the store read-only (a check never writes, so it works on a
    read-only mount or a backup), read every revision back and check every latest document
    against the framework. Problems are collected, not raised, so one run lists them all."""
    workspace = open_workspace(data_dir, framework, create=False, read_only=True)
    store, fw = workspace.store, workspace.framework
    report = CheckReport(str(workspace.data_dir), f"{fw.name} ({fw.id}, version {fw.version})")
    try:
        report.problems += [f"{store.path}: {p}" for p in store.integrity_problems()]
        report.problems += [str(damaged) for damaged in store.damaged_revisions()]
        # A document whose latest revision is damaged is listed above; the rest are checked.
        schools = store.schools(skip_damaged=True)
        report.schools = len(schools)
        structures = {s.id for s in fw.leadership_structures}
        for school in schools:
            if school.leadership_structure and school.leadership_structure not in structures:
                report.problems.append(
                    f"school {school.id}: leadership_structure: unknown structure "
                    f"{school.leadership_structure!r}"
                )
        ids = set(store.school_ids())  # a school whose profile is damaged still exists
        reviews = store.reviews(skip_damaged=True)
        report.reviews = len(reviews)
        for review in reviews:
            if review.school_id not in ids:
                report.problems.append(
                    f"review {review.id}: school_id: unknown school {review.school_id!r}"
                )
            try:
                check_review(review, fw, f"review {review.id}")
            except CareersReviewError as exc:
                report.problems.append(str(exc))
        report.revisions = store.revision_count()
    finally:
        workspace.close()
    return report
