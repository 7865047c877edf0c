"""Serving the workbooks: Voilà for the meeting room, JupyterLab for the careers leader."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .resources import START_PAGE, find_workbooks
from .store import DATA_ENV
from .workspace import FRAMEWORK_ENV

__all__ = ["START_PAGE", "find_workbooks", "run_lab", "run_voila", "voila_argv"]

DEFAULT_PORT = 8866


def _environment(data_dir: Path, framework: str | os.PathLike[str] | None) -> None:
    # Kernels inherit the server's environment: this is how each workbook finds the store.
    os.environ[DATA_ENV] = str(data_dir)
    if framework:
        os.environ[FRAMEWORK_ENV] = str(Path(framework).resolve())


def voila_argv(workbooks: Path, *, port: int, ip: str) -> list[str]:
    """The server's settings live in workbooks/voila.json (sources stripped, tracebacks hidden,
    no port hopping, only images served as files); only the address is given here."""
    return [
        str(workbooks),
        f"--Voila.config_file_paths={workbooks}",
        f"--port={port}",
        f"--Voila.ip={ip}",
    ]


def run_voila(
    data_dir: Path,
    *,
    framework: str | os.PathLike[str] | None = None,
    workbooks: str | os.PathLike[str] | None = None,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
) -> None:
    """Serve the workbooks as apps until interrupted; `/` opens the start page."""
    from .app.voila_server import CareersVoila

    folder = find_workbooks(workbooks)
    _environment(data_dir, framework)
    print(f"Serving the review workbooks on http://{ip}:{port}/ (data: {data_dir})", flush=True)
    CareersVoila.launch_instance(argv=voila_argv(folder, port=port, ip=ip))


def run_lab(
    data_dir: Path,
    *,
    framework: str | os.PathLike[str] | None = None,
    workbooks: str | os.PathLike[str] | None = None,
    port: int = 8888,
    open_browser: bool = True,
    allow_root: bool = False,
) -> None:
    """Open JupyterLab on the workbooks, with the data directory set for every kernel."""
    from jupyterlab.labapp import LabApp

    folder = find_workbooks(workbooks)
    _environment(data_dir, framework)
    argv = [f"--ServerApp.root_dir={folder}", f"--port={port}", "--ServerApp.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    if allow_root:
        argv.append("--allow-root")
    sys.argv = ["jupyter-lab"]
    LabApp.launch_instance(argv=argv)
