"""The governor report: the report workbook shows the sections of `report_sections` one cell
each; here it is run with Papermill and turned into HTML and PDF files with nbconvert and
WeasyPrint.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from .copies import workbook_folder
from .errors import CareersReviewError, WorkbookError
from .execute import QUIET_KERNEL, execute_workbook
from .files import atomic_write_bytes
from .model import Review, School
from .report_sections import SECTIONS, governor_report, report_sections
from .resources import find_templates
from .sections import PLAIN_TEXT, Section
from .store import Store

__all__ = [
    "PLAIN_TEXT",
    "REPORT_TEMPLATE",
    "REPORT_WORKBOOK",
    "Section",
    "export_report",
    "html_to_pdf",
    "notebook_html",
    "render_report",
    "report_sections",
    "show_governor_report",
]

REPORT_WORKBOOK = "05_governor_report.ipynb"
REPORT_TEMPLATE = "careers_report"
#: Cells with this tag show on the served page only (the roadmap), never in the report.
PAGE_ONLY = "cr-page-only"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def show_governor_report(
    school_id: str,
    data_dir: str = "",
    framework: str = "",
    review_id: str = "",
    include_notes: bool = False,
) -> None:
    """Display every section of the report in order, as the report workbook once did in one
    cell: copies of that workbook kept in a data directory still call this."""
    from IPython.display import display

    report = governor_report(school_id, data_dir, framework, review_id, include_notes)
    for section in SECTIONS:
        display(section(report))


def render_report(
    data_dir: str | os.PathLike[str],
    review_id: str,
    *,
    framework: str | os.PathLike[str] | None = None,
    pdf: bool = False,
    revision: int | None = None,
    include_notes: bool = False,
) -> bytes:
    """Run the report workbook with Papermill and convert it: HTML, or PDF through WeasyPrint.
    The workbook is the data directory's own copy when it has one, so a careers leader who
    removed, moved or added a section there gets that report. With `revision`, the report is
    of that revision of the review. The team's notes on the themes are left out unless
    `include_notes`: the report is for governors."""
    import nbformat

    from .workspace import open_workspace

    workspace = open_workspace(data_dir, framework, create=False, read_only=True)
    try:
        review = workspace.store.review(review_id, revision)
        snapshot = _snapshot(workspace.store, review) if revision is not None else []
    finally:
        workspace.close()
    workbooks = workbook_folder(workspace.data_dir)
    with tempfile.TemporaryDirectory(prefix="careers-report-") as tmp:
        executed = Path(tmp) / "report.ipynb"
        report_data, report_framework = workspace.data_dir, framework
        if snapshot:
            report_data, report_framework = _write_snapshot(
                Path(tmp) / "data", snapshot, workspace.data_dir, framework
            )
        try:
            execute_workbook(
                workbooks / REPORT_WORKBOOK,
                executed,
                {
                    "school_id": review.school_id,
                    "review_id": review.id,
                    "data_dir": str(report_data),
                    "framework": str(report_framework or ""),
                    # Only when asked for: a workbook copy from before the choice existed
                    # still makes the report, without a warning about a parameter it lacks.
                    **({"include_notes": True} if include_notes else {}),
                },
                cwd=workbooks,
                kernel_arguments=QUIET_KERNEL,
            )
        except WorkbookError as exc:
            raise CareersReviewError(
                f"review {review_id}: the report could not be built ({exc.ename}: {exc.evalue})"
            ) from None
        notebook = nbformat.read(executed, as_version=4)
    html = notebook_html(notebook, name=f"{review.school_id} {review.academic_year}")
    return html_to_pdf(html) if pdf else html.encode("utf-8")


def notebook_html(
    notebook: Any, templates: str | os.PathLike[str] | None = None, name: str = ""
) -> str:
    """An executed workbook as the report's HTML: its outputs only, in the report template,
    for the report export and the batch alike. The page-only cells (the roadmap, the way on)
    belong to the served page, not to the report governors read."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        extra_template_basedirs=[str(templates or find_templates())],
        preprocessors=[
            TagRemovePreprocessor(remove_cell_tags={PAGE_ONLY}, enabled=True),
            _static_outputs,
        ],
        template_name=REPORT_TEMPLATE,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
    )
    resources = {"metadata": {"name": name}} if name else None
    html, _ = exporter.from_notebook_node(notebook, resources=resources)
    return html


def _static_outputs(notebook: Any, resources: Any) -> tuple[Any, Any]:
    """Keep the static HTML of outputs that are also live widgets on the served page (a
    report holds no widgets: they would export blank), and drop the stored widget state."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if WIDGET_VIEW in data and "text/html" in data:
                del data[WIDGET_VIEW]
    return notebook, resources


def _snapshot(store: Store, review: Review) -> list[School | Review]:
    """What the report workbook reads for an earlier revision of a review: the school, its
    other reviews as they are now (for the change since the last one), and that revision."""
    others = [r for r in store.reviews(review.school_id, skip_damaged=True) if r.id != review.id]
    return [store.school(review.school_id), *others, review]


def _write_snapshot(
    folder: Path,
    documents: list[School | Review],
    data_dir: Path,
    framework: str | os.PathLike[str] | None,
) -> tuple[Path, str]:
    """A private store holding `documents` in a temporary folder, and the framework file the
    data directory's kernels would have used (the copy has no framework.yaml of its own)."""
    from .content import DATA_DIR_FRAMEWORK
    from .workspace import FRAMEWORK_ENV

    with Store(folder) as copy:
        copy.save_many(documents, author="report of an earlier revision")
    chosen = str(framework or os.environ.get(FRAMEWORK_ENV) or "")
    if not chosen and (data_dir / DATA_DIR_FRAMEWORK).is_file():
        chosen = str(data_dir / DATA_DIR_FRAMEWORK)
    return folder, chosen


def html_to_pdf(html: str) -> bytes:
    """Print the report's HTML to an A4 PDF with WeasyPrint: offline, no browser needed."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint is installed but the system's Pango library is not
        raise CareersReviewError(
            "PDF export needs the Pango library: on Debian or Ubuntu run "
            f"'apt-get install libpango-1.0-0 libpangoft2-1.0-0' ({exc})".splitlines()[0]
        ) from None
    return HTML(string=html, base_url=str(find_templates())).write_pdf()


def export_report(
    data_dir: str | os.PathLike[str],
    review_id: str,
    destination: str | os.PathLike[str],
    *,
    framework: str | os.PathLike[str] | None = None,
    revision: int | None = None,
    include_notes: bool = False,
) -> Path:
    """Write the report as .html or .pdf, whole or not at all."""
    destination = Path(destination)
    pdf = destination.suffix.lower() == ".pdf"
    return atomic_write_bytes(
        destination,
        render_report(
            data_dir,
            review_id,
            framework=framework,
            pdf=pdf,
            revision=revision,
            include_notes=include_notes,
        ),
    )
