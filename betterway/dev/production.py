"""The production setup on this machine, for the tests, the benchmark and ``make load``.

gunicorn on production settings (debugging off), and nginx in front of it
with the configuration in ``deploy/nginx.conf``, as README.md describes.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
NGINX_SITE = BASE_DIR / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """A DATABASE_URL for the database this process uses, for servers started from it."""
    from django.db import connection

    params = connection.get_connection_params()
    host = str(params.get("host", "")).replace("/", "%2F")
    port = f":{params['port']}" if params.get("port") else ""
    password = f":{params['password']}" if params.get("password") else ""
    name = connection.settings_dict["NAME"]
    return f"postgres://{params['user']}{password}@{host}{port}/{name}"


def login_session(user: Any) -> dict[str, str]:
    """The session cookie of ``user`` logged in, as a browser would hold it after logging in."""
    from betterway.sessions import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return {settings.SESSION_COOKIE_NAME: session.session_key or ""}


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production server on loopback, on this database."""
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        # The same key as this process, so sessions made here are valid there.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "EMAIL_URL": os.environ.get("EMAIL_URL") or "console:",
        "DATABASE_URL": database_url,
        **extra,
    }


def wait_until_healthy(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Nothing healthy answered on port {port} within {timeout:.0f} s.")


_collected = False


def collect_static(env: dict[str, str]) -> None:
    """Hashed static files, which production's storage needs to render any page."""
    global _collected
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    _collected = True


@contextmanager
def gunicorn(
    env: dict[str, str], port: int, *, workers: int = 2, healthy: bool = True, quiet: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """gunicorn serving the app on 127.0.0.1:port with sync workers, as README runs it.

    Its log is captured (``communicate()`` reads it), or dropped when ``quiet``.
    Static files are collected first, once per process.
    """
    if not _collected:
        collect_static(env)
    server = subprocess.Popen(  # noqa: S603 - our own server on loopback
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "betterway.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL if quiet else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        if healthy:
            wait_until_healthy(port)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def nginx_binary() -> str:
    """Debian's nginx (``apt-get install nginx-light``); RuntimeError without one."""
    found = shutil.which("nginx") or next(
        (path for path in ["/usr/sbin/nginx"] if Path(path).exists()), None
    )
    if not found:
        raise RuntimeError("nginx is not installed: apt-get install nginx-light")
    return found


def nginx_config(prefix: Path, port: int, app_port: int) -> str:
    """deploy/nginx.conf listening on ``port`` before the app on ``app_port``, unprivileged."""
    site = NGINX_SITE.read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    temp = {name: prefix / name for name in ["body", "proxy", "fastcgi", "uwsgi", "scgi"]}
    return f"""
daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


@contextmanager
def nginx(port: int, app_port: int) -> Iterator[subprocess.Popen[str]]:
    with tempfile.TemporaryDirectory(prefix="betterway-nginx-") as folder:
        prefix = Path(folder)
        config = prefix / "nginx.conf"
        config.write_text(nginx_config(prefix, port, app_port))
        server = subprocess.Popen(  # noqa: S603 - Debian's nginx with our configuration
            [nginx_binary(), "-p", str(prefix), "-c", str(config), "-e", str(prefix / "err")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_until_healthy(port)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)
