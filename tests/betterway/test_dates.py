"""Dates as the pages write them: in plain words, in a ``<time>`` element, on the local day."""

from __future__ import annotations

import datetime

from django.template import Context, Template
from django.utils import timezone

from betterway.templatetags.betterway import time_element

LONDON_SUMMER_AFTER_MIDNIGHT = datetime.datetime(2019, 6, 30, 23, 30, tzinfo=datetime.UTC)


def test_a_date_is_written_for_people_and_machines() -> None:
    html = time_element(datetime.date(2017, 11, 9))
    assert html == '<time datetime="2017-11-09">9 November 2017</time>'
    assert time_element(None) == ""


def test_a_moment_is_given_the_local_day_by_both() -> None:
    # 23:30 UTC is 00:30 the next day in London in summer.
    with timezone.override("Europe/London"):
        assert time_element(LONDON_SUMMER_AFTER_MIDNIGHT) == (
            '<time datetime="2019-07-01">1 July 2019</time>'
        )
        page = Template("{% load betterway %}{{ moment|plain_date }}").render(
            Context({"moment": LONDON_SUMMER_AFTER_MIDNIGHT})
        )
        assert page == "1 July 2019"


def test_the_tag_writes_what_the_two_filters_wrote() -> None:
    day = datetime.date(2020, 2, 29)
    both = Template(
        "{% load betterway %}<time datetime=\"{{ day|date:'Y-m-d' }}\">{{ day|plain_date }}</time>"
    ).render(Context({"day": day}))
    assert time_element(day) == both
