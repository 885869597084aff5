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


def test_the_address_tag_is_what_the_url_tag_gives() -> None:
    from django.template import engines

    django_engine = engines["django"]
    both = django_engine.from_string(
        "{% load betterway %}"
        "{% address 'notes:theme' slug='a-b' %}|{% url 'notes:theme' slug='a-b' %}"
        "|{% address 'home' %}|{% url 'home' %}"
    ).render({})
    theme_tag, theme_url, home_tag, home_url = both.split("|")
    assert theme_tag == theme_url == "/themes/a-b/"
    assert home_tag == home_url


def test_the_asset_tag_is_what_the_static_tag_gives_even_after_a_change() -> None:
    from django.template import engines
    from django.test import override_settings

    template = engines["django"].from_string(
        "{% load betterway static %}{% asset 'css/site.css' %}|{% static 'css/site.css' %}"
    )
    asset, static = template.render({}).split("|")
    assert asset == static == "/static/css/site.css"
    with override_settings(STATIC_URL="/assets/"):
        asset, static = template.render({}).split("|")
        assert asset == static == "/assets/css/site.css"
