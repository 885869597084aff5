"""The scale-data and benchmark commands, run at a tiny size (no figures asserted)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from betterway.dev.views import bench_baseline, bench_floor
from betterway.indexes import PENDING_LIST_KB
from cells.models import Cell, Meeting
from notes.models import Note, TaggedNote, Theme
from tests.betterway.test_indexes import gin_indexes_and_options

TINY = ["--cells", "4", "--meetings", "20", "--notes", "1200", "--themes", "12"]


def test_scale_data_makes_the_advertised_counts(db: None) -> None:
    out = StringIO()
    call_command("scale_data", *TINY, stdout=out)
    assert Cell.objects.count() == 4
    assert Meeting.objects.count() == 20
    assert Note.objects.count() == 1200
    assert Theme.objects.count() == 12
    per_note = TaggedNote.objects.count() / Note.objects.count()
    assert 1 <= per_note <= 4
    assert "Writing 1200 notes with COPY" in out.getvalue()
    # Generated notes are searchable: their vectors and theme names are filled.
    note = Note.objects.filter(tagged_items__isnull=False).earliest("pk")
    assert note.theme_names
    assert Note.objects.filter(search_vector="council").exists()
    assert Meeting.objects.filter(notes__isnull=True).count() == 0


def test_scale_data_refuses_a_database_with_other_data(db: None) -> None:
    Cell.objects.create(name="Real cell", slug="real")
    with pytest.raises(CommandError, match="already holds"):
        call_command("scale_data", *TINY, stdout=StringIO())
    call_command("scale_data", *TINY, "--allow-existing", stdout=StringIO())
    assert Note.objects.count() == 1200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--notes", "5", "--meetings", "10"], "--notes must be at least --meetings"),
        (["--cells", "0"], "--cells must be at least 1"),
        (["--meetings", "2", "--cells", "5", "--notes", "10"], "--meetings must be at least"),
    ],
)
def test_scale_data_refuses_bad_sizes(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("scale_data", *args, stdout=StringIO())


def test_bench_needs_scale_data(db: None) -> None:
    with pytest.raises(CommandError, match=r"run `manage\.py scale_data` first"):
        call_command("bench", stdout=StringIO(), stderr=StringIO())


def test_bench_runs_and_writes_its_figures(db: None, tmp_path: Path, settings: object) -> None:
    call_command("scale_data", *TINY, stdout=StringIO())
    report = tmp_path / "bench.json"
    out = StringIO()
    call_command(
        "bench",
        "--repeat",
        "1",
        "--slow-repeat",
        "1",
        "--skip-throughput",
        "--digest-members",
        "30",
        "--json",
        str(report),
        stdout=out,
        stderr=StringIO(),
    )
    figures = json.loads(report.read_text())
    assert set(figures["search"]) == {"bench-wide", "bench-narrow"}
    assert len(figures["search"]["bench-wide"]) == 9  # eight queries and all of them
    assert set(figures["pages"]) == {
        "home",
        "theme index",
        "common theme page",
        "cell page",
        "long meeting page",
        "search results",
        "proposals page",
        "proposals, page 200",
        "proposals by theme",
    }
    assert all(
        row["queries"] == figures["pages"]["proposals page"]["queries"]
        for name, row in figures["pages"].items()
        if name.startswith("proposals")
    )
    # Each page's server time over SQL comes from the same requests' timings.
    assert all(
        row["server_to_sql"] == round(row["with_sql_p50_ms"] / max(row["sql_p50_ms"], 0.01), 1)
        for row in figures["pages"].values()
    )
    assert figures["import"]["notes"] == 1000
    assert figures["digests"]["members"] == 30 and figures["digests"]["queries_per_member"] > 0
    assert "Digests: 30 members" in out.getvalue()
    assert "Search server time, bench-wide" in out.getvalue()
    assert Note.objects.count() == 1200  # the import's meetings are removed again
    assert figures["search"]["bench-wide"]["all queries"]["cached"]["p95_ms"] > 0
    # The search's own SQL is timed in the same requests, and bounds its ratio.
    for row in figures["search"]["bench-narrow"].values():
        assert 0 < row["full_text_sql"]["p95_ms"] <= row["full_text"]["max_ms"]
        assert row["sql_ratio_p95"] >= row["ratio_p95"] - 0.1
    assert "SQL alone" in out.getvalue()


def test_bench_runs_only_the_parts_asked_for(db: None, tmp_path: Path) -> None:
    call_command("scale_data", *TINY, stdout=StringIO())
    report = tmp_path / "bench.json"
    out = StringIO()
    call_command("bench", "--repeat", "1", "--only", "pages", "--json", str(report), stdout=out)
    figures = json.loads(report.read_text())
    assert "pages" in figures and "search" not in figures and "digests" not in figures
    assert "Pages, bench-wide" in out.getvalue() and "Digests" not in out.getvalue()
    with pytest.raises(CommandError, match="--only takes parts from"):
        call_command("bench", "--only", "pages,speed", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_bench_measures_throughput_under_gunicorn(tmp_path: Path) -> None:
    call_command("scale_data", *TINY, stdout=StringIO())
    report = tmp_path / "bench.json"
    out = StringIO()
    call_command(
        "bench", "--only", "throughput", "--duration", "1", "--json", str(report), stdout=out
    )
    rows = json.loads(report.read_text())["throughput"]
    assert set(rows) == {"baseline (one query)", "theme page", "search"}
    assert all(row["requests"] > 0 and row["failed"] == 0 for row in rows.values())
    assert rows["baseline (one query)"]["share_of_baseline"] == 1.0


def test_the_yardstick_pages_are_what_they_say(db: None) -> None:
    # Served only to the benchmark; called directly here. The floor is the
    # site's frame for the logged-in reader and no query of its own; the
    # baseline is one query.
    member = get_user_model().objects.create_user("yardstick", first_name="Yara")
    request = RequestFactory().get("/bench/floor")
    request.user = member
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.resolver_match = None
    with CaptureQueriesContext(connection) as floor_queries:
        floor = bench_floor(request)
    assert floor.status_code == 200 and "Yara" in floor.content.decode()
    assert len(floor_queries) == 0
    with CaptureQueriesContext(connection) as baseline_queries:
        assert bench_baseline(RequestFactory().get("/bench/baseline")).status_code == 200
    assert len(baseline_queries) == 1


def test_scale_data_builds_its_indexes_as_the_models_define_them(db: None) -> None:
    call_command("scale_data", *TINY, stdout=StringIO())
    options = gin_indexes_and_options()
    for name in ("note_search_vector", "note_word_pairs"):
        assert options[name] == [f"gin_pending_list_limit={PENDING_LIST_KB}"]
