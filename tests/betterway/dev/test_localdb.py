"""The local PostgreSQL server behind `make run` and `make test`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[3]


def _localdb(pgdata: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-m", "betterway.dev.localdb", *args],
        cwd=BASE_DIR,
        env=_env(pgdata),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _env(pgdata: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "BETTERWAY_PGDATA": str(pgdata)}


def _status(pgdata: Path) -> str:
    return _localdb(pgdata, "status").stdout.strip()


def _connect(pgdata: Path) -> psycopg.Connection:
    return psycopg.connect(host=str(pgdata), user="postgres", dbname="betterway", autocommit=True)


def _wait_for(pgdata: Path, status: str) -> None:
    deadline = time.monotonic() + 60
    while _status(pgdata) != status:
        assert time.monotonic() < deadline, f"server never became {status}"
        time.sleep(0.2)


@pytest.fixture
def pgdata(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "pgdata"
    yield folder
    _localdb(folder, "stop")


def test_server_is_reused_and_recovers_from_a_killed_run(pgdata: Path) -> None:
    assert _localdb(pgdata, "start").stdout.strip() == "started"
    with _connect(pgdata) as conn:
        conn.execute("CREATE TABLE kept (value text)")
        conn.execute("INSERT INTO kept VALUES ('still here')")
    # A run killed without stopping the server leaves it running: reuse it.
    assert _localdb(pgdata, "start").stdout.strip() == "already running"
    # A server killed outright leaves a stale postmaster.pid: start over it.
    pid = int(pgdata.joinpath("postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    _wait_for(pgdata, "stopped")
    assert _localdb(pgdata, "start").stdout.strip() == "started"
    with _connect(pgdata) as conn:
        assert conn.execute("SELECT value FROM kept").fetchone() == ("still here",)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_stops_the_server_when_interrupted(pgdata: Path, signum: int) -> None:
    wrapper = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "betterway.dev.localdb",
            "run",
            "--stop",
            "--",
            sys.executable,
            "-c",
            "import time; time.sleep(120)",
        ],
        cwd=BASE_DIR,
        env=_env(pgdata),
    )
    try:
        _wait_for(pgdata, "running")
        wrapper.send_signal(signum)
        wrapper.wait(timeout=60)
    finally:
        wrapper.kill()
    assert _status(pgdata) == "stopped"


def test_run_leaves_a_server_it_did_not_start_running(pgdata: Path) -> None:
    _localdb(pgdata, "start")
    result = _localdb(pgdata, "run", "--", sys.executable, "-c", "print('ran')")
    assert result.returncode == 0 and "ran" in result.stdout
    assert _status(pgdata) == "running"
