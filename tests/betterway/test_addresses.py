"""Remembered URL reversing gives what Django's reverse gives."""

from __future__ import annotations

from django.urls import reverse

from betterway.addresses import address
from tests.personas import World


def test_addresses_are_what_reverse_gives(world: World) -> None:
    meeting = world.meetings[("public", "published")]
    assert meeting.get_absolute_url() == reverse(
        "cells:meeting", kwargs={"slug": meeting.cell.slug, "pk": meeting.pk}
    )
    assert meeting.cell.get_absolute_url() == reverse(
        "cells:detail", kwargs={"slug": meeting.cell.slug}
    )
    assert address("notes:theme", slug="a-b") == reverse("notes:theme", kwargs={"slug": "a-b"})
    # Arguments in another order are the same address.
    assert address("cells:meeting", pk=3, slug="x") == address("cells:meeting", slug="x", pk=3)
