"""Each request's session and user, read by prepared statements: the same as Django's reads."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from betterway.accounts.backends import EmailOrUsernameBackend
from betterway.models import User
from betterway.rows import RowReader
from betterway.sessions import SessionStore
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db
PROFILE = "/accounts/profile/"


@pytest.fixture
def mia(db: None) -> User:
    return User.objects.create_user("mia", email="mia@example.org", password=PASSWORD)


def _logged_in(client: Any, user: User) -> Any:
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.get(PROFILE).status_code == 200
    return client


def test_the_row_read_equals_the_orms(mia: User) -> None:
    read = RowReader(User, "id = %s").get(mia.pk)
    assert read is not None
    expected = User.objects.get(pk=mia.pk)
    fields = [field.attname for field in User._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert read._state.adding is False and read._state.db == "default"
    assert RowReader(User, "id = %s").get(mia.pk + 1000) is None


def test_a_request_reads_its_session_and_user_in_one_query_each(client: Any, mia: User) -> None:
    _logged_in(client, mia)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PROFILE)
    assert response.status_code == 200
    assert response.context["user"] == mia
    sql = [query["sql"] for query in queries.captured_queries]
    reads = [q for q in sql if 'FROM "django_session"' in q or 'FROM "betterway_user"' in q]
    assert len(reads) == 2
    # The prepared reads, not the ORM's get() (which asks for up to 21 rows).
    assert not any("LIMIT" in q for q in reads)


def test_an_expired_session_is_logged_out(client: Any, mia: User) -> None:
    _logged_in(client, mia)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(1))
    response = client.get(PROFILE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None


def test_an_unknown_session_key_is_logged_out(client: Any, mia: User) -> None:
    _logged_in(client, mia)
    client.cookies["sessionid"] = "x" * 32
    assert client.get(PROFILE).status_code == 302


def test_a_deactivated_user_is_logged_out_at_once(client: Any, mia: User) -> None:
    _logged_in(client, mia)
    User.objects.filter(pk=mia.pk).update(is_active=False)
    assert client.get(PROFILE).status_code == 302
    assert EmailOrUsernameBackend().get_user(mia.pk) is None


def test_a_deleted_user_is_logged_out(client: Any, mia: User) -> None:
    _logged_in(client, mia)
    User.objects.filter(pk=mia.pk).delete()
    assert client.get(PROFILE).status_code == 302


def test_a_password_changed_elsewhere_ends_the_session(client: Any, mia: User) -> None:
    _logged_in(client, mia)
    mia.set_password("another-long-passphrase")
    mia.save()
    assert client.get(PROFILE).status_code == 302


def test_a_session_saves_and_loads_through_the_store(db: None) -> None:
    store = SessionStore()
    store["seen"] = [1, 2]
    store.save()
    again = SessionStore(store.session_key)
    assert again["seen"] == [1, 2]
    again.delete()
    assert SessionStore(store.session_key).load() == {}


def test_expired_sessions_are_cleared_each_night(db: None) -> None:
    from procrastinate.contrib.django import app

    from betterway.tasks import clear_expired_sessions

    live, old = SessionStore(), SessionStore()
    live.save()
    old.save()
    Session.objects.filter(pk=old.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    clear_expired_sessions(timestamp=0)
    assert set(Session.objects.values_list("pk", flat=True)) == {live.session_key}
    crons = {p.task.name: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert crons["betterway.tasks.clear_expired_sessions"] == "40 3 * * *"
