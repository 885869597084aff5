"""Readers come from the shared cache, and any change to who may read what shows at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cells.access import reader_of
from cells.models import Membership, Visibility
from tests.personas import World, client_of

# Content versions are bumped when a transaction commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


def _resolving_queries(client: Client, url: str) -> list[str]:
    """The queries of one view that find which cells the reader may read."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if '"cells_membership"."role"' in query["sql"]]


def test_a_reader_is_resolved_once_while_nothing_changes(world: World) -> None:
    client = client_of(world.users["member"])
    url = world.meetings[("private", "published")].get_absolute_url()
    assert len(_resolving_queries(client, url)) == 1
    assert _resolving_queries(client, url) == []  # the reader came from the cache


def test_a_member_removed_from_a_cell_loses_it_at_once(world: World) -> None:
    member = world.users["member"]
    client = client_of(member)
    url = world.meetings[("private", "published")].get_absolute_url()
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=member, cell=world.cells[Visibility.PRIVATE]).delete()
    assert client.get(url).status_code == 404


def test_a_new_member_reads_the_cell_at_once(world: World) -> None:
    outsider = world.users["outsider"]
    client = client_of(outsider)
    url = world.meetings[("private", "published")].get_absolute_url()
    assert client.get(url).status_code == 404
    Membership.objects.create(user=outsider, cell=world.cells[Visibility.PRIVATE])
    assert client.get(url).status_code == 200


def test_a_cell_made_private_is_hidden_at_once(world: World) -> None:
    client = Client()
    url = world.meetings[("public", "published")].get_absolute_url()
    assert client.get(url).status_code == 200
    cell = world.cells[Visibility.PUBLIC]
    cell.visibility = Visibility.PRIVATE
    cell.save()
    assert client.get(url).status_code == 404


def test_readers_are_each_users_own(world: World) -> None:
    member = reader_of(world.users["member"])
    outsider = reader_of(world.users["outsider"])
    anonymous = reader_of(AnonymousUser())
    private = world.cells[Visibility.PRIVATE].pk
    assert private in member.readable
    assert private not in outsider.readable and private not in anonymous.readable
    assert member.version == outsider.version == anonymous.version != ""
