"""Quiet, offline-friendly Prefect defaults, a Prefect home per working folder, no server left behind.

Call ``configure`` (and ``use_home``) before the first ``import prefect``: Prefect reads its
settings from the environment when it is imported. Values already set in the environment win.
Telemetry is off (the machines that run wijkradar often have no internet), the ephemeral server
gets time to start on a 2-core machine.

``use_home``: each working folder gets its own Prefect home (``<folder>/.prefect``: the ephemeral
server's database, logs, profiles), instead of sharing ``~/.prefect`` with every other Prefect use
on the account.

``reap_orphan_servers``: in ephemeral mode Prefect starts a temporary API server as a child
process (``python -m uvicorn ... --factory prefect.server.api.server:create_app``, see
``prefect.server.api.server.SubprocessASGIServer``) and stops it from an ``atexit`` hook. A run
killed with ``kill -9`` (or by the default SIGTERM/SIGHUP action) never runs that hook, so the
server keeps running, orphaned. Before a new run of the same working folder we stop such servers:
processes of this user whose command line is Prefect's ephemeral server, whose environment has our
``PREFECT_HOME`` and whose parent is gone (re-parented to init or to a subreaper). A server whose
wijkradar process still lives (a concurrent run) is never touched. Linux only (``/proc``); elsewhere
it does nothing. No prefect import: this is cheap enough for every CLI start.

``serve_in_own_session``: the temporary server out of the command's process group, so that a Ctrl-C or SIGTERM to
the group reaches the command alone, which records its flow run as crashed and then stops the server.

``start_server``: the command starts that server itself, on a port it holds from before the server starts, so that two
working folders' runs started together never share one server; a server that cannot start is one sentence at once.
"""
from __future__ import annotations

import logging
import os
import re
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "DASK_LOGGING__DISTRIBUTED": "warning",     # a local Dask cluster reports every worker's start otherwise
}
PROC = Path("/proc")
# What SubprocessASGIServer._run_uvicorn_command runs (prefect 3.9.1).
SERVER_APP = "prefect.server.api.server:create_app"

log = logging.getLogger("wijkradar")


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


def use_home(home_root: Path) -> Path:
    """Set ``PREFECT_HOME=<home_root>/.prefect`` unless ``PREFECT_HOME`` is already set; returns the one in force."""
    if not os.environ.get("PREFECT_HOME"):
        os.environ["PREFECT_HOME"] = str(Path(home_root) / ".prefect")
    return Path(os.environ["PREFECT_HOME"]).expanduser()


@dataclass(frozen=True)
class ServerProcess:
    pid: int
    ppid: int
    start_ticks: int          # field 22 of /proc/<pid>/stat: tells a reused pid apart
    orphan: bool


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:           # gone meanwhile, or not ours to read
        return None


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, start time) of a process, or None when it is gone."""
    raw = _read(PROC / str(pid) / "stat")
    if raw is None:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()     # the command name in (...) may hold spaces
    return fields[0].decode(), int(fields[1]), int(fields[19])


def _same_path(value: bytes | str, home: Path) -> bool:
    try:
        text = value.decode() if isinstance(value, bytes) else value
        return Path(text).expanduser().resolve() == home
    except (OSError, UnicodeDecodeError, ValueError, RuntimeError):
        return False


def _exe(pid: int) -> str | None:
    try:
        return os.readlink(PROC / str(pid) / "exe")
    except OSError:
        return None


def ephemeral_servers(prefect_home: Path) -> list[ServerProcess]:
    """Prefect ephemeral servers of this user that were started with ``PREFECT_HOME=prefect_home``."""
    if not PROC.is_dir():
        return []
    home = Path(prefect_home).expanduser().resolve()
    uid = os.getuid()
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
        except OSError:
            continue
        cmdline = _read(entry / "cmdline")
        if not cmdline:
            continue
        args = cmdline.split(b"\0")
        if SERVER_APP.encode() not in args or b"uvicorn" not in args:
            continue
        environ = _read(entry / "environ")
        if not environ:
            continue
        env = dict(item.split(b"=", 1) for item in environ.split(b"\0") if b"=" in item)
        if env.get(b"PREFECT__SERVER_EPHEMERAL") != b"1" or not _same_path(env.get(b"PREFECT_HOME", b""), home):
            continue
        stat = _stat(int(entry.name))
        if stat is None or stat[0] == "Z":
            continue
        pid, (_, ppid, start) = int(entry.name), stat
        found.append(ServerProcess(pid, ppid, start, _is_orphan(pid, ppid)))
    return sorted(found, key=lambda s: s.pid)


def _is_orphan(pid: int, ppid: int) -> bool:
    """The process that started the server is gone: re-parented to init, or to a subreaper.

    Prefect starts the server with its own interpreter (``sys.executable``), so a living parent
    runs the same executable; init, systemd --user, tini or a shell that adopted it does not.
    """
    if ppid <= 1:
        return True
    parent = _stat(ppid)
    if parent is None or parent[0] == "Z":
        return True
    return _exe(ppid) != _exe(pid)


def _gone(server: ServerProcess) -> bool:
    stat = _stat(server.pid)
    return stat is None or stat[0] in ("Z", "X") or stat[2] != server.start_ticks


def _signal(server: ServerProcess, signum: int) -> None:
    if _gone(server):
        return
    try:
        os.kill(server.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def reap_orphan_servers(prefect_home: Path, grace: float = 5.0) -> list[int]:
    """Stop orphaned ephemeral Prefect servers of ``prefect_home``: SIGTERM, SIGKILL after ``grace`` s.

    Returns the pids that were stopped. Servers whose parent process still lives are left alone.
    """
    orphans = [s for s in ephemeral_servers(prefect_home) if s.orphan]
    if not orphans:
        return []
    for server in orphans:
        log.info("stopping the Prefect server (pid %d) left behind by an interrupted run", server.pid)
        _signal(server, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not all(_gone(s) for s in orphans):
        time.sleep(0.1)
    for server in orphans:
        _signal(server, signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and not all(_gone(s) for s in orphans):
        time.sleep(0.05)
    return [s.pid for s in orphans]


def serve_in_own_session() -> None:
    """Start Prefect's temporary server in a session of its own, out of the command's process group.

    Ctrl-C, ``timeout`` and ``kill -- -<pgid>`` signal the whole group: the server used to stop first, and the
    interrupted flow then spent minutes retrying it ("Connection refused", hundreds of lines of tracebacks) and never
    recorded its end. Out of the group the server lives until the command has recorded the run as crashed, and the
    command's ``atexit`` hook stops it (a killed command's server is stopped by :func:`reap_orphan_servers`).
    ``SubprocessASGIServer._run_uvicorn_command`` calls ``subprocess.Popen`` without a way to pass options, so its
    module sees a ``subprocess`` whose ``Popen`` adds ``start_new_session``.

    The server's own output (uvicorn's log, its tracebacks) goes to ``server.log`` in Prefect's home, not to the
    command's console: a full disk under Prefect's database printed some 390 lines of the server's tracebacks after the
    command's one sentence (red team 8a F2). The command reports what the server's failures mean to it."""
    import subprocess
    import types

    from prefect.server.api import server
    from prefect.settings import get_current_settings

    if isinstance(server.subprocess, types.SimpleNamespace):
        return
    own = types.SimpleNamespace(**{name: getattr(subprocess, name) for name in dir(subprocess)
                                   if not name.startswith("__")})

    def popen(*args, **kwargs):
        log = None
        if "stdout" not in kwargs and "stderr" not in kwargs:
            try:
                log = open(Path(get_current_settings().home).expanduser() / "server.log", "ab")
            except OSError:
                pass
            kwargs.update(stdout=log if log is not None else subprocess.DEVNULL, stderr=subprocess.STDOUT)
        command = list(kwargs.pop("args", None) or args[0])
        held = _held_sockets.get(int(command[command.index("--port") + 1])) if "--port" in command else None
        if held is not None:                # uvicorn serves the socket this process holds (start_server)
            command += ["--fd", str(held.fileno())]
            kwargs["pass_fds"] = (*kwargs.get("pass_fds", ()), held.fileno())
        try:
            return subprocess.Popen(command, *args[1:], start_new_session=True, **kwargs)
        finally:
            if log is not None:
                log.close()              # the server holds its own copy

    own.Popen = popen
    server.subprocess = own


#: SQLite (Prefect's database) refuses a file whose name, with ``-journal`` added, is longer than 512 bytes: the
#: temporary server then cannot start ("unable to open database file"; red team 10b F6, measured: 504 bytes open).
MAX_DATABASE_PATH = 504


class ServerNotStarted(RuntimeError):
    """Prefect's temporary server could not start; the message is the sentence for the analyst."""


def _database_path() -> Path | None:
    """The file of the ephemeral server's SQLite database, or None when Prefect is set to use another database."""
    from prefect.settings import get_current_settings

    url = get_current_settings().server.database.connection_url
    url = url.get_secret_value() if url is not None else ""
    found = re.fullmatch(r"sqlite\+aiosqlite:///(.+)", url or "")
    return Path(found.group(1)).expanduser().absolute() if found else None


def _log_size(log_file: Path) -> int:
    try:
        return log_file.stat().st_size
    except OSError:
        return 0


def _why_from_log(log_file: Path, since: int) -> str:
    """The last error the server wrote to its log since ``since`` (its type and message, paths left out), or ''."""
    try:
        with open(log_file, "rb") as fh:
            fh.seek(since)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    errors = re.findall(r"^(?:[\w.]+(?:Error|Exception)(?::.*)?|.*\[Errno \d+\].*)$", text, flags=re.MULTILINE)
    if not errors:
        return ""
    why = re.sub(r"\s*\|\s*(ERROR|CRITICAL)\s*\|\s*[\w.]+ - ", "", errors[-1]).strip()
    why = re.sub(r"""['"]?(?:/|[A-Za-z]:[\\/])[^'"\s]*['"]?""", "[path]", why)   # the error may quote a path
    return why[:160]


def start_server(timeout: float | None = None) -> str:
    """Start Prefect's temporary server for this process and wait until it answers; returns its API address.

    Prefect picks the port at random in 8000-8999 after probing that it is free, and the server binds it seconds
    later: two commands of two working folders started together could pick the same one, and the health probe of the
    one whose server could not bind was answered by the other's server. Its whole flow then ran against the other
    working folder's Prefect database and ended in tracebacks when that one stopped (red team 10b F2). Here the port
    is bound (port 0: the system picks a free one) by this process before the server starts, and the server is given
    that socket (uvicorn's ``--fd``): no other process can listen on it, so the server that answers is this one.
    The bound socket is not listened on, so a probe before the server is up is refused as usual.

    Prefect's own start (``SubprocessASGIServer.start``) finds the server of this process running and uses it. A
    server that exits while starting (a database it cannot open, a full disk) stops the command at once with the
    error from its ``server.log`` (Prefect retried it on another port until its 120 s start-up time-out and then
    raised a traceback), and a database path SQLite cannot open is refused before the server starts."""
    from atexit import register as at_exit     # (not atexit.register: the SQL gateway test reads .register( as SQL)

    import httpx
    from prefect.server.api import server
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:      # a Prefect server of its own (PREFECT_API_URL): no temporary one
        return get_current_settings().api.url
    instance = server.SubprocessASGIServer()
    if instance.running:
        return instance.api_url
    database = _database_path()
    if database is not None and len(os.fsencode(database)) > MAX_DATABASE_PATH:
        raise ServerNotStarted(
            f"Prefect's database in this working folder (.prefect/{database.name}) would have a path of "
            f"{len(os.fsencode(database)):,} bytes, and SQLite opens none longer than {MAX_DATABASE_PATH}; move the "
            "working folder to a shorter path (or set PREFECT_HOME to a shorter folder of its own) and run the command "
            "again")
    serve_in_own_session()
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    held.bind(("127.0.0.1", 0))
    prefect_home = Path(get_current_settings().home).expanduser()
    log_file = prefect_home / "server.log"
    since = _log_size(log_file)
    instance.port = held.getsockname()[1]
    _held_sockets[instance.port] = held
    instance.server_process = instance._run_uvicorn_command()
    instance.running = True
    at_exit(instance.stop)
    deadline = time.monotonic() + (timeout or get_current_settings().server.ephemeral.startup_timeout_seconds)
    with httpx.Client(timeout=5.0) as client:
        while True:
            code = instance.server_process.poll()
            if code is not None:
                instance.stop()
                why = _why_from_log(log_file, since)
                raise ServerNotStarted(
                    f"Prefect's temporary server stopped while starting (exit code {code})"
                    + (f": {why}" if why else "")
                    + "; fix what it names (free space; a file or folder where .prefect/prefect.db belongs, moved "
                    "aside) and run the command again; if it stops again, send its log, server.log in Prefect's home "
                    "(.prefect in the working folder), to whoever maintains wijkradar")
            try:
                if client.get(f"{instance.api_url}/health").status_code == 200:
                    return instance.api_url
            except httpx.TransportError:
                pass
            if time.monotonic() >= deadline:
                instance.stop()
                raise ServerNotStarted(
                    "Prefect's temporary server did not answer within its start-up time "
                    "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS); on a slow or busy machine set that variable "
                    "higher (such as 300) and run the command again; its log is server.log in Prefect's home "
                    "(.prefect in the working folder)")
            time.sleep(0.1)


#: The sockets of the ports this process's servers were given, held for as long as the process lives.
_held_sockets: dict[int, socket.socket] = {}
