"""Serving the workbooks: Voilà for the meeting room, JupyterLab for the careers leader."""

from __future__ import annotations

import errno
import ipaddress
import os
import secrets
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .copies import sync_workbooks, workbook_folder
from .errors import InputError
from .files import write_private
from .resources import START_PAGE, find_workbooks
from .store import DATA_ENV, DB_NAME, Store, store_file_problem
from .workspace import FRAMEWORK_ENV, READ_ONLY_ENV

__all__ = [
    "START_PAGE",
    "TOKEN_ENV",
    "WEBSOCKET_LIMIT",
    "ServeOptions",
    "ask_password_file",
    "find_workbooks",
    "hash_password",
    "read_password_file",
    "run_lab",
    "run_voila",
    "voila_argv",
    "write_password_file",
]

DEFAULT_PORT = 8866
#: A fixed token for the served app (a hub's service file, a test); otherwise one per run.
TOKEN_ENV = "CAREERS_REVIEW_TOKEN"
#: JupyterLab's own variable for a fixed token; otherwise `lab` makes one per run.
LAB_TOKEN_ENV = "JUPYTER_TOKEN"
LOOPBACK = "127.0.0.1"
_HASH_PREFIXES = ("argon2:", "sha1:", "sha256:", "sha512:")
#: The largest websocket message the served app takes: the impact page's largest upload
#: (`careers_review.evidence.uploads.UPLOAD_LIMIT`, 40 MiB) and room for its envelope.
WEBSOCKET_LIMIT = 48 * 1024 * 1024


@dataclass(frozen=True)
class ServeOptions:
    """Who may reach the served app, and how many kernels it keeps."""

    port: int = DEFAULT_PORT
    ip: str = "127.0.0.1"
    allow_hosts: tuple[str, ...] = ()
    password_file: str | None = None
    cull_after: int = 600
    max_kernels: int = 20
    token: str = field(default="", repr=False)
    #: Pages show the store and save nothing (a backup, a read-only mount, a demonstration).
    read_only: bool = False


def _environment(
    data_dir: Path, framework: str | os.PathLike[str] | None, *, read_only: bool = False
) -> None:
    # Kernels inherit the server's environment: this is how each workbook finds the store.
    os.environ[DATA_ENV] = str(data_dir)
    os.environ.pop(TOKEN_ENV, None)  # kernels never need the login token
    if framework:
        os.environ[FRAMEWORK_ENV] = str(Path(framework).resolve())
    if read_only:
        os.environ[READ_ONLY_ENV] = "1"
    else:
        os.environ.pop(READ_ONLY_ENV, None)


def check_address(ip: str, port: int) -> None:
    """Bind the address and port the way the server will, and let go at once: a mistyped
    --ip or a port in use is said in one line before Voilà starts (it would print a
    traceback, or with port hopping listen somewhere else)."""
    if not 1 <= port <= 65535:
        raise InputError(f"--port {port}: choose a port from 1 to 65535")
    from tornado.netutil import bind_sockets

    try:
        sockets = bind_sockets(port, ip)
    except socket.gaierror:
        raise InputError(
            f"--ip {ip}: not an address or a host name this machine knows "
            "(use 127.0.0.1, or 0.0.0.0 for every address of this machine)"
        ) from None
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:
            raise InputError(
                f"--ip {ip}: not an address of this machine (use 127.0.0.1, one of this "
                "machine's own addresses, or 0.0.0.0 for all of them)"
            ) from None
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                f"--port {port}: already in use on {ip} (another server is running there; "
                "stop it or choose another --port)"
            ) from None
        if exc.errno == errno.EACCES:
            raise InputError(
                f"--port {port}: not permitted for this user (ports below 1024 need root); "
                "choose another --port, e.g. 8866"
            ) from None
        raise InputError(f"--ip {ip} --port {port}: cannot listen there ({exc.strerror})") from None
    for sock in sockets:
        sock.close()


def check_store(data_dir: Path) -> None:
    """A store that cannot be read is said once, here, not on every page. No store yet is
    fine (the pages say how to import one); an existing one is opened read-only and closed."""
    path = data_dir / DB_NAME
    if not os.path.lexists(path):
        return
    problem = store_file_problem(path)
    if problem:
        raise InputError(f"{path}: {problem}")
    Store(data_dir, create=False, read_only=True).close()


def hash_password(password: str) -> str:
    """The form `--password-file` holds: an argon2 hash, never the password itself."""
    from jupyter_server.auth import passwd

    if len(password) < 8:
        raise InputError("the password must have at least 8 characters")
    return passwd(password)


def write_password_file(path: str | os.PathLike[str], password: str) -> Path:
    """Write the hash to `path`, readable only by its owner."""
    return write_private(Path(path), hash_password(password) + "\n")


def ask_password_file(path: str | os.PathLike[str]) -> str:
    """`careers-review password`: ask twice at a terminal (or read one line from a pipe),
    write the hash, and say how to use it."""
    import getpass

    if sys.stdin.isatty():
        password = getpass.getpass("Password for the served app: ")
        if getpass.getpass("Once more: ") != password:
            raise InputError("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    written = write_password_file(path, password)
    return f"Wrote {written}: start the app with 'careers-review serve --password-file {written}'"


def read_password_file(path: str | os.PathLike[str]) -> str:
    """The hash in a file made by `careers-review password`."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError) as exc:
        raise InputError(f"{path}: cannot read the password file ({exc})") from None
    if not text.startswith(_HASH_PREFIXES) or "\n" in text:
        raise InputError(
            f"{path}: not a password file (make one with 'careers-review password --to {path}')"
        )
    return text


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def login(options: ServeOptions) -> tuple[str, str]:
    """(token, password hash) for this run: a fixed token from the environment, a password
    file, or else a new random token. Off loopback one of the first two must be chosen."""
    hashed = read_password_file(options.password_file) if options.password_file else ""
    token = options.token or os.environ.get(TOKEN_ENV, "")
    if not _is_loopback(options.ip) and not (hashed or token):
        raise InputError(
            f"--ip {options.ip} can be reached from other machines: give --password-file FILE "
            f"(made with 'careers-review password') or set {TOKEN_ENV}"
        )
    if not hashed and not token:
        token = secrets.token_hex(24)
    return token, hashed


#: Seconds a page waits for its output after its cell has finished (Voilà's default is 4).
IOPUB_WAIT = 60


def voila_argv(
    workbooks: Path,
    options: ServeOptions,
    *,
    hashed_password: str = "",
    settings: Path | None = None,
) -> list[str]:
    """The server's settings live in voila.json (sources stripped, tracebacks hidden, no port
    hopping, only images served as files), read from `settings` (default: the served folder);
    the rest comes from the command line. The websocket takes a message a little larger than
    the largest upload the impact page takes (Tornado's own limit is 10 MiB)."""
    cull_interval = max(1, min(60, options.cull_after // 4))
    argv = [
        str(workbooks),
        f"--Voila.config_file_paths={settings or workbooks}",
        f"--port={options.port}",
        f"--Voila.ip={options.ip}",
        f"--MappingKernelManager.cull_idle_timeout={options.cull_after}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        # Kernels listen on Unix sockets only their owner can open, not on TCP ports: no other
        # local user can reach them, and no port can be taken between choosing it and binding it.
        "--KernelManager.transport=ipc",
        # A page's output (a plan page sends over a thousand widget messages) may still be
        # arriving when its cell has finished; waiting 4 s for it, as by default, drops it on
        # a busy server and the page opens empty. The wait ends as soon as the kernel is idle.
        f"--VoilaExecutor.iopub_timeout={IOPUB_WAIT}",
        # A dict with a number in it: key=value would hand Tornado the limit as a string.
        f"--Voila.tornado_settings={{'websocket_max_message_size': {WEBSOCKET_LIMIT}}}",
    ]
    if hashed_password:
        argv.append(f"--PasswordIdentityProvider.hashed_password={hashed_password}")
    return argv


def served_folder(
    data_dir: Path, workbooks: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> tuple[Path, Path]:
    """(the folder to serve, the folder whose voila.json holds the server's settings).

    A folder given is served as it is, with its own voila.json. Otherwise the data directory's
    own copy of the workbooks is made or brought up to date (not when read-only: then the copy
    is served if there is one, else the package's) and the settings are always the package's,
    so nothing edited in the copy can loosen them."""
    if workbooks:
        folder = find_workbooks(workbooks)
        return folder, folder
    package = find_workbooks()
    if read_only:
        return workbook_folder(data_dir), package
    synced = sync_workbooks(data_dir, package=package)
    for note in synced.notes:
        print(note, flush=True)
    return synced.folder, package


def run_voila(
    data_dir: Path,
    *,
    framework: str | os.PathLike[str] | None = None,
    workbooks: str | os.PathLike[str] | None = None,
    options: ServeOptions | None = None,
) -> None:
    """Serve the workbooks as apps until interrupted; `/` opens the start page. The options
    and the store are checked first, before Voilà is even loaded."""
    options = options or ServeOptions()
    if options.cull_after < 1 or options.max_kernels < 1:
        raise InputError("--cull-after and --max-kernels must be 1 or more")
    check_address(options.ip, options.port)
    token, hashed = login(options)
    check_store(data_dir)
    folder, settings = served_folder(data_dir, workbooks, read_only=options.read_only)
    _environment(data_dir, framework, read_only=options.read_only)
    from .app.voila_server import CareersVoila

    host = f"[{options.ip}]" if ":" in options.ip else options.ip
    url = f"http://{host}:{options.port}/"
    if options.read_only:
        print("Read-only: pages show the store and save no changes.", flush=True)
    if token:
        print(f"Serving the review workbooks (data: {data_dir}). Open:", flush=True)
        print(f"    {url}?token={token}", flush=True)
    else:
        print(f"Serving the review workbooks on {url} (data: {data_dir});", flush=True)
        print("    sign in with the password of the password file.", flush=True)
    CareersVoila.launch_instance(
        argv=voila_argv(folder, options, hashed_password=hashed, settings=settings),
        token=token,
        allow_hosts=list(options.allow_hosts),
        max_kernels=options.max_kernels,
    )


def run_lab(
    data_dir: Path,
    *,
    framework: str | os.PathLike[str] | None = None,
    workbooks: str | os.PathLike[str] | None = None,
    port: int = 8888,
    open_browser: bool = True,
    allow_root: bool = False,
) -> None:
    """Open JupyterLab on the data directory's own copy of the workbooks (or the folder given),
    on loopback only, behind a token, with the data directory set for every kernel."""
    check_address(LOOPBACK, port)
    folder = served_folder(data_dir, workbooks)[0]
    # $JUPYTER_TOKEN fixes the token (a test, a service); kernels never see it.
    token = os.environ.pop(LAB_TOKEN_ENV, "") or secrets.token_hex(24)
    _environment(data_dir, framework)
    from jupyterlab.labapp import LabApp

    print(f"JupyterLab on {folder} (data: {data_dir}). Open:", flush=True)
    print(f"    http://{LOOPBACK}:{port}/lab?token={token}", flush=True)
    argv = [
        f"--ServerApp.root_dir={folder}",
        f"--ServerApp.ip={LOOPBACK}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",  # a list in this process, not its command line
    ]
    if not open_browser:
        argv.append("--no-browser")
    if allow_root:
        argv.append("--allow-root")
    sys.argv = ["jupyter-lab"]
    LabApp.launch_instance(argv=argv)
