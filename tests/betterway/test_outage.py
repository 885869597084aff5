"""While PostgreSQL is away, production answers 503 and recovers by itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from betterway.dev.production import gunicorn, production_env
from betterway.errors import server_error
from tests.personas import World, database_url_of_tests
from tests.servers import DatabaseSwitch, free_port, get


@pytest.fixture
def switch() -> Iterator[DatabaseSwitch]:
    switch = DatabaseSwitch()
    yield switch
    switch.close()


@pytest.mark.django_db(transaction=True)
def test_an_outage_answers_503_logs_once_and_recovers(switch: DatabaseSwitch) -> None:
    port = free_port()
    env = production_env(switch.url(), BETTERWAY_DB_CONNECT_TIMEOUT="2")
    # One worker, so the lines below are counted exactly (each worker logs its own).
    with gunicorn(env, port, workers=1) as server:
        assert get(port, "/").status == 200

        switch.set("down")
        answers = [get(port, path) for path in ["/", "/themes/", "/search/?q=trust"] * 10]
        assert {response.status for response in answers} == {503}
        assert all(response.headers["Retry-After"] == "60" for response in answers)
        assert "Temporarily unavailable" in answers[0].text
        assert get(port, "/healthz").status == 503

        switch.set("up")
        for _ in range(50):
            if get(port, "/").status == 200:
                break
            time.sleep(0.1)
        assert all(get(port, "/").status == 200 for _ in range(6))

        server.terminate()
        log = server.communicate(timeout=30)[0]
    # 31 failed requests: one line when it starts failing, one when it recovers.
    assert log.count("Database unreachable") == 1, log
    assert log.count("Database reachable again") == 1, log
    assert "Traceback" not in log and "Service Unavailable" not in log, log


@pytest.mark.django_db(transaction=True)
def test_a_database_that_never_answers_gives_503_not_a_hang(switch: DatabaseSwitch) -> None:
    port = free_port()
    env = production_env(switch.url(), BETTERWAY_DB_CONNECT_TIMEOUT="1", DJANGO_CONN_MAX_AGE="0")
    with gunicorn(env, port, workers=1):
        switch.set("silent")
        # A client that waits 10 s: without a connect timeout the page hangs.
        response = get(port, "/", timeout=10)
        assert response.status == 503 and "Temporarily unavailable" in response.text


@pytest.mark.django_db
def test_the_web_server_gives_every_statement_a_time_limit() -> None:
    show = (
        "import betterway.wsgi; from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('SHOW statement_timeout'); "
        "print(cursor.fetchone()[0])"
    )
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": database_url_of_tests()}
    env.pop("BETTERWAY_STATEMENT_TIMEOUT", None)
    result = subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "15s", result.stderr


@pytest.mark.django_db
def test_a_query_past_its_time_limit_answers_503(
    rf: RequestFactory, caplog: pytest.LogCaptureFixture
) -> None:
    request = rf.get("/themes/")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = '20ms'")
            cursor.execute("SELECT pg_sleep(2)")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Temporarily unavailable" in response.text
    assert "Query took too long on /themes/" in caplog.text


def test_a_request_larger_than_any_form_is_refused_unread(client: Any, world: World) -> None:
    client.force_login(world.users["facilitator"])
    url = reverse("notes:meeting_new", kwargs={"slug": "private-cell"})
    response = client.post(url, {"text": "x"}, CONTENT_LENGTH=str(60 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 10 MB" in response.text and "at most 5 MB" in response.text
    assert response["Connection"] == "close"
