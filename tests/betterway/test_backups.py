"""A backup restored into a new database holds the same rows and serves the same pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from betterway.dev import localdb
from betterway.dev.production import free_port, gunicorn, login_session, production_env
from notes.following.services import subscriber_of
from tests.personas import Library, database_url_of_tests
from tests.servers import get

pytestmark = pytest.mark.django_db(transaction=True)
RESTORED = "betterway_test_restored"


@pytest.fixture(autouse=True)
def _pg_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    # The local server's pg_dump and pg_restore, as make backup names them.
    monkeypatch.setenv("BETTERWAY_PG_BIN", str(localdb._bin_dir()))


@pytest.fixture
def restored_name() -> Iterator[str]:
    yield RESTORED
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {RESTORED} WITH (FORCE)")


def _row_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    counts = {}
    for table in tables:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        counts[table] = conn.execute(query).fetchone()[0]  # type: ignore[index]
    return counts


def _page(port: int, path: str, cookie: str) -> str:
    answer = get(port, path, headers={"Cookie": cookie})
    assert answer.status == 200, (path, answer.status)
    # Each page masks its CSRF token afresh.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", answer.text)


def test_backup_and_restore_give_the_same_rows_searches_and_pages(
    library: Library, tmp_path: Path, restored_name: str
) -> None:
    # Logged in before the backup: the session is in both databases, and so
    # is the private feed link a page would otherwise make on first view.
    member = library.world.users["member"]
    cookie = "; ".join(f"{k}={v}" for k, v in login_session(member).items())
    subscriber_of(member)
    out = StringIO()
    call_command("backup", folder=str(tmp_path), stdout=out)
    [dump] = tmp_path.glob("*.dump")
    assert dump.stat().st_size > 0 and str(dump) in out.getvalue()

    call_command("restore", str(dump), into=restored_name, stdout=StringIO())
    original_url = database_url_of_tests()
    restored_url = original_url.rsplit("/", 1)[0] + f"/{restored_name}"
    with psycopg.connect(original_url) as a, psycopg.connect(restored_url) as b:
        original, restored = _row_counts(a), _row_counts(b)
    assert original == restored and original["notes_note"] > 0

    meeting = library.world.meetings[("private", "published")]
    pages = [
        "/",
        "/themes/",
        "/themes/leadership/",
        "/search/?q=leadership",
        "/search/?q=council+trust&theme=leadership",
        meeting.get_absolute_url(),
        "/proposals/",
    ]
    servers = {}
    for name, url in [("original", original_url), ("restored", restored_url)]:
        port = free_port()
        with gunicorn(production_env(url), port, workers=1, quiet=True):
            servers[name] = {path: _page(port, path, cookie) for path in pages}
    for path in pages:
        assert servers["restored"][path] == servers["original"][path], path
    assert "leadership" in servers["restored"]["/search/?q=leadership"]


def test_restore_refuses_an_existing_database(tmp_path: Path, db: None) -> None:
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"not a dump")
    with pytest.raises(CommandError, match="exists already"):
        call_command("restore", str(dump), into=connection.settings_dict["NAME"])
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), into="anything_new")
