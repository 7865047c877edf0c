"""`careers-review`: a thin command line over the library. Each command gathers its options
and makes one call; errors of our own become a one-line message and exit code 2."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CareersReviewError

__all__ = ["main"]

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the store lives (default: $CAREERS_REVIEW_DATA, else ./careers-review-data)",
    )
    common.add_argument(
        "--framework",
        metavar="FILE",
        help="a framework YAML file to use instead of the built-in one "
        "(default: DIR/framework.yaml when present)",
    )
    return common


def _cmd_serve(args: argparse.Namespace) -> int:
    from .serve import ServeOptions, run_voila
    from .store import resolve_data_dir

    chosen = ("port", "ip", "password_file", "cull_after", "max_kernels", "read_only")
    options = ServeOptions(
        allow_hosts=tuple(args.allow_host or ()), **{name: getattr(args, name) for name in chosen}
    )
    data_dir = resolve_data_dir(args.data_dir)
    run_voila(data_dir, framework=args.framework, workbooks=args.workbooks, options=options)
    return EXIT_OK


def _cmd_password(args: argparse.Namespace) -> int:
    from .serve import ask_password_file

    print(ask_password_file(args.to))
    return EXIT_OK


def _cmd_lab(args: argparse.Namespace) -> int:
    from .serve import run_lab
    from .store import resolve_data_dir

    chosen = {"port": args.port, "open_browser": not args.no_browser, "allow_root": args.allow_root}
    data_dir = resolve_data_dir(args.data_dir)
    run_lab(data_dir, framework=args.framework, workbooks=args.workbooks, **chosen)
    return EXIT_OK


def _cmd_workbooks(args: argparse.Namespace) -> int:
    from .copies import workbooks_report
    from .store import resolve_data_dir

    print(workbooks_report(resolve_data_dir(args.data_dir), reset=args.reset))
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from .exchange import import_paths
    from .store import resolve_data_dir
    from .workspace import framework_in_use

    data_dir = resolve_data_dir(args.data_dir)
    report = import_paths(data_dir, args.paths, framework_in_use(data_dir, args.framework))
    print(
        f"Imported into {data_dir}: {report.schools_added} school(s) and "
        f"{report.reviews_added} review(s) added, {report.unchanged} already up to date."
    )
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from .errors import StoreError
    from .exchange import export_review
    from .store import DamagedRevisionError
    from .workspace import open_workspace

    # An export only reads: it works on a read-only mount or a backup, and writes nothing there.
    workspace = open_workspace(args.data_dir, args.framework, create=False, read_only=True)
    try:
        path = export_review(
            workspace.store,
            args.review,
            args.to,
            framework=workspace.framework,
            framework_file=args.framework,
            revision=args.revision,
            include_notes=args.include_notes,
        )
    except DamagedRevisionError as exc:
        if (exc.kind, exc.key) != ("review", args.review):
            raise
        earlier = workspace.store.readable_before("review", args.review, exc.number)
        if earlier is None:
            raise StoreError(
                f"{exc}; no earlier revision can be read either: restore the store from a backup"
            ) from None
        again = ["careers-review", "export", args.review, "--revision", str(earlier)]
        again += ["--to", args.to]
        for option, value in (("--data-dir", args.data_dir), ("--framework", args.framework)):
            if value:
                again += [option, value]
        raise StoreError(f"{exc}; revision {earlier} can: {shlex.join(again)}") from None
    finally:
        workspace.close()
    print(f"Wrote {path}")
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from .batch import BatchStopped, run_batch

    try:
        report = run_batch(
            args.schools,
            args.out,
            data_dir=args.data_dir,
            framework=args.framework,
            workbooks=args.workbook or ("05_governor_report",),
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=not args.quiet,
        )
    except BatchStopped as stopped:  # Ctrl-C or SIGTERM: batch.json already says what ran
        print(stopped.message, file=sys.stderr)
        return stopped.exit_code
    except KeyboardInterrupt:  # before any school began: nothing was run or recorded
        print("Stopped before any school began; nothing was run", file=sys.stderr)
        return 130
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    counts = {
        status: sum(r.status == status for r in report.results)
        for status in ("done", "skipped", "failed")
    }
    print(
        f"{len(report.results)} schools in {report.seconds:.1f} s: {counts['done']} done, "
        f"{counts['skipped']} already up to date, {counts['failed']} failed. "
        f"Outputs in {report.out_dir}"
    )
    if report.failed:
        print("\nSchools that failed:")
        width = max(len(r.school_id) for r in report.failed)
        for result in report.failed:
            where = (
                f"{result.failed_workbook} cell {result.cell}"
                if result.cell
                else result.failed_workbook
            )
            print(f"  {result.school_id:<{width}}  {where or '-'}  {result.error}")
    if report.summary:
        print(f"Hub summary: {report.summary}")
    return EXIT_PARTIAL if report.failed else EXIT_OK


def _cmd_framework(args: argparse.Namespace) -> int:
    from .workspace import framework_in_use

    fw = framework_in_use(args.data_dir, args.framework)
    if args.json:
        print(json.dumps(fw.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{fw.name} ({fw.id}, version {fw.version})")
    levels = ", ".join(f"{lv.number} {lv.name}" for lv in fw.levels)
    print(f"Maturity model: {fw.maturity_model.name}; levels: {levels}")
    for theme in fw.themes:
        print(f"  - {theme.id}: {theme.name}")
    print(
        f"Benchmarks: {len(fw.benchmarks)}; roadmap phases: {len(fw.roadmap.phases)}; "
        f"statutory duties: {len(fw.statutory.duties)}; key roles: {len(fw.key_roles)}"
    )
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .checks import check_data_dir

    report = check_data_dir(args.data_dir, args.framework)
    print(f"Framework: {report.framework}")
    print(
        f"Data directory: {report.data_dir}: {report.schools} schools, {report.reviews} reviews, "
        f"{report.revisions} revisions"
    )
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print("All checks passed." if report.ok else f"{len(report.problems)} problem(s) found.")
    return EXIT_OK if report.ok else EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careers-review",
        description="Guided review of careers leadership for secondary schools and Careers Hubs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = _common()

    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="serve the workbooks as apps with Voilà",
        description="Serve the workbooks with Voilà; / opens the start page. A new login "
        "token is printed at every start (or set CAREERS_REVIEW_TOKEN, or use "
        "--password-file); any address but loopback needs a password file or a set token.",
    )
    serve.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    serve.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--workbooks", metavar="DIR", help="serve this folder instead of the data directory's copy"
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="a host name the app answers to besides 127.0.0.1, localhost and ::1 "
        "(repeat for several; e.g. the name a proxy forwards)",
    )
    serve.add_argument(
        "--password-file",
        metavar="FILE",
        help="sign in with a password (FILE made by 'careers-review password') "
        "instead of the token printed at start",
    )
    serve.add_argument(
        "--cull-after",
        type=int,
        default=600,
        metavar="SECONDS",
        help="close a page's kernel this long after its page went away (default: 600)",
    )
    serve.add_argument(
        "--max-kernels",
        type=int,
        default=20,
        metavar="N",
        help="pages open at once; beyond it a 'server is busy' page (default: 20)",
    )
    serve.add_argument(
        "--read-only",
        action="store_true",
        help="show the store and save nothing (a backup, a read-only mount, a demonstration); "
        "nothing is written in the data directory",
    )
    serve.set_defaults(run=_cmd_serve)

    pwd = commands.add_parser(
        "password",
        help="make a password file for serve --password-file",
        description="Ask for a password (or read one line from standard input) and write its "
        "hash to FILE, readable only by you. The password itself is never stored.",
    )
    pwd.add_argument("--to", required=True, metavar="FILE", help="the password file to write")
    pwd.set_defaults(run=_cmd_password)

    lab = commands.add_parser(
        "lab",
        parents=[common],
        help="edit the workbooks in JupyterLab",
        description="Open JupyterLab, on 127.0.0.1 with a login token, on the data directory's "
        "own copy of the workbooks (DIR/workbooks, made on first use), with the data directory "
        "set for every kernel. Edits there are what serve shows, and survive upgrades.",
    )
    lab.add_argument("--port", type=int, default=8888, help="port (default: 8888)")
    lab.add_argument("--workbooks", metavar="DIR", help="open DIR, not the data directory's copy")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument("--allow-root", action="store_true", help="let JupyterLab run as root")
    lab.set_defaults(run=_cmd_lab)

    wbk = commands.add_parser(
        "workbooks",
        parents=[common],
        help="list the data directory's copy of the workbooks, or reset one",
        description="List the workbooks in DIR/workbooks and whether each is as copied, edited, "
        "or edited with a newer version waiting beside it (NAME.new.ipynb). --reset NAME puts "
        "the package's version back; an edited one is first renamed NAME.edited.ipynb.",
    )
    wbk.add_argument("--reset", metavar="NAME", help="put the package's version of NAME back")
    wbk.set_defaults(run=_cmd_workbooks)

    imp = commands.add_parser(
        "import",
        parents=[common],
        help="import school and review JSON files",
        description="Import school and review JSON files (or folders of them) "
        "into the store. Everything is checked first; nothing is written "
        "unless all of it is valid.",
    )
    imp.add_argument("paths", nargs="+", metavar="PATH", help="a .json file or a folder of them")
    imp.set_defaults(run=_cmd_import)

    exp = commands.add_parser(
        "export",
        parents=[common],
        help="export a review to a file",
        description="Export a review; the file's extension picks the format.",
    )
    exp.add_argument("review", metavar="REVIEW", help="review id, e.g. oakfield-academy-2025-26")
    exp.add_argument(
        "--to",
        required=True,
        metavar="FILE",
        help="output file: .json (the review), .xlsx or .docx (the plan), "
        ".html or .pdf (the governor report)",
    )
    exp.add_argument(
        "--revision",
        type=int,
        metavar="N",
        help="export revision N of the review instead of its latest "
        "(the store is only read, so this works on a backup or a read-only mount)",
    )
    exp.add_argument(
        "--include-notes",
        action="store_true",
        help="put the team's notes on each theme into the governor report (left out by default)",
    )
    exp.set_defaults(run=_cmd_export)

    bat = commands.add_parser(
        "batch",
        parents=[common],
        help="run workbooks for every school in a CSV (a hub's review round)",
        description="Run the chosen workbooks with Papermill for every school in SCHOOLS.csv "
        "(columns school_id and name, and any workbook parameter), writing DIR/<school_id>/ "
        "<workbook>.ipynb and .html, DIR/batch.json and DIR/hub_summary.html. Exit code 1 when "
        "some schools failed, 2 when the input is wrong, 130 when stopped with Ctrl-C "
        "(what finished is kept; --resume goes on).",
    )
    bat.add_argument("schools", metavar="SCHOOLS.csv", help="the schools to run")
    bat.add_argument("--out", required=True, metavar="DIR", help="where the outputs go")
    bat.add_argument(
        "--workbook",
        action="append",
        metavar="NAME",
        help="a workbook to run (repeat for several; default: 05_governor_report)",
    )
    bat.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="local processes, 1 or more (default: one per core)",
    )
    bat.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786"
    )
    bat.add_argument(
        "--resume",
        action="store_true",
        help="run again only the schools whose last run failed or did not finish, or whose "
        "CSV row, workbooks, framework or data changed since their outputs; batch.json says "
        "why for each",
    )
    bat.add_argument("--quiet", action="store_true", help="no progress bar")
    bat.set_defaults(run=_cmd_batch)

    frm = commands.add_parser(
        "framework",
        parents=[common],
        help="show the framework in use",
        description="Show the framework in use (built-in, or the one given).",
    )
    frm.add_argument("--json", action="store_true", help="print it whole as JSON")
    frm.set_defaults(run=_cmd_framework)

    chk = commands.add_parser(
        "check",
        parents=[common],
        help="check a data directory and framework",
        description="Validate the framework file and every school and review "
        "in the data directory's store. Exit code 2 when a problem is found.",
    )
    chk.set_defaults(run=_cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except CareersReviewError as exc:
        for line in str(exc).splitlines() or [""]:
            print(f"careers-review {args.command}: error: {line}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
