"""The README's production setup (nginx in front of gunicorn) under slow clients."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from betterway.dev.production import gunicorn, nginx, production_env
from betterway.dev.slow_clients import slow_connections, timed_get
from tests.personas import World, database_url_of_tests
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_slow_clients_do_not_hold_the_workers_behind_nginx() -> None:
    app_port, port = free_port(), free_port()
    env = production_env(database_url_of_tests(), DJANGO_BEHIND_PROXY="1")
    # More slow connections than workers: straight to gunicorn, each would
    # hold a worker until its request ends (gunicorn's timeout, 30 s).
    with (
        gunicorn(env, app_port, workers=2),
        nginx(port, app_port),
        slow_connections(port, count=6),
    ):
        answers = [timed_get(port, timeout=10) for _ in range(10)]
    assert [status for status, _ in answers] == [200] * 10


def test_nginx_refuses_a_body_larger_than_the_app_reads() -> None:
    app_port, port = free_port(), free_port()
    env = production_env(database_url_of_tests())
    with gunicorn(env, app_port, workers=1), nginx(port, app_port):
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("POST", "/search/", skip_host=True)
        conn.putheader("Host", "127.0.0.1")
        conn.putheader("Content-Length", str(60 * 1024 * 1024))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413, response.read()[:300]


def test_the_load_run_finds_every_acknowledged_write(world: World, tmp_path: Path) -> None:
    figures = tmp_path / "load.json"
    call_command(
        "load", users=10, seconds=4, skip_slow_clients=True, json=str(figures), stdout=StringIO()
    )
    load = json.loads(figures.read_text())["load"]
    assert load["errors"] == 0, load
    assert load["requests"] > 10 and load["writes_acknowledged"] >= 1
    assert load["writes_found"] == load["writes_acknowledged"]
