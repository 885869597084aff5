"""Measure search and page speed on the scale data: ``manage.py bench`` (``make bench``).

Prints a table and writes the figures as JSON. Run ``manage.py scale_data``
on an empty database first (``make bench`` does both, in its own database).
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from betterway.dev.bench_digests import bench_digests
from betterway.dev.bench_quality import bench_quality
from betterway.dev.management.commands.scale_data import BENCH_NARROW, BENCH_WIDE
from betterway.dev.production import (
    collect_static,
    database_url,
    gunicorn,
    login_session,
    production_env,
)
from betterway.dev.vocabulary import RARE
from betterway.sessions import SessionStore
from cells.models import Cell, Meeting, Visibility
from notes.models import Note, Theme
from notes.search.engine import matching_notes
from notes.search.query import Criteria, split_operators

BASE_DIR = Path(settings.BASE_DIR)
PAGE_SIZE = 20
# Proposals in the tracker for the benchmark of its pages.
BENCH_PROPOSALS = 10_000


def _ensure_proposals(count: int) -> None:
    """The tracker at its scale: ``count`` proposals on points spread over the data."""
    from notes.actions.models import Proposal, ProposalStatus

    missing = count - Proposal.objects.count()
    if missing <= 0:
        return
    points = list(
        Note.objects.filter(proposal__isnull=True).order_by("pk").values_list("pk", "meeting_id")
    )
    step = max(1, len(points) // missing)
    statuses = list(ProposalStatus.values)
    Proposal.objects.bulk_create(
        [
            Proposal(
                meeting_id=meeting_id,
                note_id=note_id,
                summary=f"Proposal {number}: share what the cell learnt about this",
                status=statuses[number % len(statuses)],
            )
            for number, (note_id, meeting_id) in enumerate(points[::step][:missing])
        ],
        batch_size=2000,
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed_requests(client: Client, url: str, runs: int) -> tuple[list[float], list[float], int]:
    """The server time and the own SQL time (each query timed as the driver sees
    it, round trip included) of each of ``runs`` requests, in ms, and how many
    queries one request made.
    """
    server, sql, queries = [], [], 0
    for _ in range(runs):
        spent: list[float] = []

        def timed(execute: Any, *args: Any, spent: list[float] = spent) -> Any:
            started = time.perf_counter()
            try:
                return execute(*args)
            finally:
                spent.append(time.perf_counter() - started)

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = client.get(url)
        server.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        sql.append(sum(spent) * 1000)
        queries = len(spent)
    return server, sql, queries


def _server_and_sql(client: Client, url: str, runs: int) -> dict[str, Any]:
    """A page's server time and its own SQL time, both medians over the same
    ``runs`` requests.
    """
    server, sql, queries = _timed_requests(client, url, runs)
    return {
        "server_ms": round(statistics.median(server), 1),
        "sql_ms": round(statistics.median(sql), 2),
        "queries": queries,
    }


def _combined(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several load runs of one page as one: all requests over all their time."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["seconds"] for run in runs)
    return {
        "url": runs[0]["url"],
        "requests": requests,
        "failed": sum(run["failed"] for run in runs),
        "requests_per_second": round(requests / seconds, 1),
    }


@contextlib.contextmanager
def _nothing_cached() -> Iterator[None]:
    """Figures and rendered pages computed on every request, as without a cache."""
    seconds = settings.STATS_CACHE_SECONDS
    settings.STATS_CACHE_SECONDS = 0
    try:
        yield
    finally:
        settings.STATS_CACHE_SECONDS = seconds


def _summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
    }


PARTS = ("search", "quality", "pages", "throughput", "import", "digests")


class Command(BaseCommand):
    help = "Benchmark search, pages, throughput and import on the scale data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each query.")
        parser.add_argument(
            "--slow-repeat", type=int, default=5, help="Timed runs of each icontains query (slow)."
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=8.0,
            help="Seconds of load for each throughput figure.",
        )
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--skip-throughput", action="store_true")
        parser.add_argument("--json", default="", help="Where to write the figures.")
        parser.add_argument(
            "--digest-members", type=int, default=10000, help="Members in the digest run."
        )
        parser.add_argument(
            "--quality-items", type=int, default=500, help="Known-item searches (full text)."
        )
        parser.add_argument(
            "--quality-icontains-items",
            type=int,
            default=100,
            help="Known-item and theme searches done the icontains way (each takes a scan).",
        )
        parser.add_argument("--theme-queries", type=int, default=100)
        parser.add_argument(
            "--only",
            default=",".join(PARTS),
            help=f"Comma-separated parts to run, of: {', '.join(PARTS)} (default: all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repeat"] < 1 or options["slow_repeat"] < 1 or options["concurrency"] < 1:
            raise CommandError("--repeat, --slow-repeat and --concurrency must be at least 1.")
        users = get_user_model().objects.filter(username__in=[BENCH_WIDE, BENCH_NARROW])
        readers = {user.username: user for user in users}
        if Note.objects.count() < 1000 or len(readers) < 2:
            raise CommandError("No scale data here: run `manage.py scale_data` first.")
        self.options = options
        parts = {part.strip() for part in options["only"].split(",") if part.strip()}
        if not parts or parts - set(PARTS):
            raise CommandError(f"--only takes parts from: {', '.join(PARTS)}.")
        if options["skip_throughput"]:
            parts.discard("throughput")
        # Measure as production runs: no debug bookkeeping, hashed static files.
        settings.DEBUG = False
        call_command("collectstatic", interactive=False, verbosity=0)
        targets = self._targets(readers[BENCH_WIDE])
        results: dict[str, Any] = {
            "machine": self._machine(),
            "data": {
                "notes": Note.objects.count(),
                "meetings": Meeting.objects.count(),
                "cells": Cell.objects.count(),
                "themes": Theme.objects.count(),
            },
        }
        if "search" in parts:
            self._say("Search, full text against icontains")
            results["search"] = {
                name: self._search(readers[name], targets["queries"]) for name in readers
            }
        if "quality" in parts:
            self._say("Search quality")
            results["quality"] = bench_quality(
                readers[BENCH_WIDE],
                items=options["quality_items"],
                icontains_items=options["quality_icontains_items"],
                theme_queries=options["theme_queries"],
            )
        if "pages" in parts:
            self._say("Pages")
            results["pages"] = self._pages(readers[BENCH_WIDE], targets["pages"])
        if "throughput" in parts:
            self._say("Throughput under gunicorn")
            results["throughput"] = self._throughput(readers[BENCH_WIDE], targets)
        if "import" in parts:
            self._say("Import")
            results["import"] = self._import()
        if "digests" in parts:
            self._say(f"Digests for {options['digest_members']:,} members")
            results["digests"] = bench_digests(options["digest_members"])
        self._print(results)
        path = Path(
            options["json"]
            or BASE_DIR / "bench-results" / f"bench-{timezone.now():%Y%m%d-%H%M%S}.json"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, default=str))
        self.stdout.write(f"\nFigures written to {path}")

    def _say(self, message: str) -> None:
        self.stderr.write(f"… {message}")

    def _machine(self) -> dict[str, Any]:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        return {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": server,
            "platform": platform.platform(),
        }

    def _targets(self, wide: Any) -> dict[str, Any]:
        themes = Theme.objects.annotate(uses=Count("tagged_notes")).order_by("-uses")
        common, second = themes[0], themes[3]
        rare = next(
            (word for word in RARE if Note.objects.filter(search_vector=word.lower()).exists()),
            RARE[0],
        )
        # A cell both readers may read: the narrow reader's search for it must
        # find points, not stop at "no cell called ...".
        cells = Cell.objects.annotate(n=Count("meetings")).order_by("-n")
        cell = cells.filter(visibility=Visibility.NETWORK).first() or cells.first()
        long_meeting = (
            Meeting.objects.published()
            .filter(cell__in=Cell.objects.visible_to(wide))
            .annotate(n=Count("notes"))
            .order_by("-n")
            .first()
        )
        if cell is None or long_meeting is None:
            raise CommandError("No scale data: run manage.py scale_data first.")
        queries = {
            "common word": "council",
            "rare word": rare,
            "phrase": '"community support"',
            "exclusion": "housing -council",
            "theme operator": f'theme:"{common.name}"',
            "cell operator": f"budget cell:{cell.slug}",
            "date range": "funding after:2015 before:2017",
            "two operators": f'theme:"{second.name}" after:2020',
        }
        _ensure_proposals(BENCH_PROPOSALS)
        # The one-query page, where served, as the yardstick of what any page
        # costs beyond its SQL (sessions, middleware, the base template).
        # And the page of nothing but the logged-in reader and the site's frame:
        # the least server time over SQL any page can have, since its only SQL
        # is the session and the user.
        yardstick = (
            {"baseline (one query)": "/bench/baseline", "floor (reader, frame)": "/bench/floor"}
            if settings.BENCHMARK_VIEWS
            else {}
        )
        pages = {
            **yardstick,
            "home": "/",
            "theme index": "/themes/",
            "common theme page": common.get_absolute_url(),
            "cell page": cell.get_absolute_url(),
            "long meeting page": long_meeting.get_absolute_url(),
            "search results": "/search/?q=council",
            "proposals page": "/proposals/",
            "proposals, page 200": "/proposals/?page=200",
            "proposals by theme": f"/proposals/?theme={common.slug}&sort=oldest",
        }
        return {"queries": queries, "pages": pages, "theme": common.get_absolute_url()}

    def _timed_get(self, client: Client, url: str, repeat: int) -> list[float]:
        client.get(url)  # warm caches and connection
        return _timed_requests(client, url, repeat)[0]

    def _search(self, user: Any, queries: dict[str, str]) -> dict[str, Any]:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        rows: dict[str, Any] = {}
        all_fts: list[float] = []
        all_sql: list[float] = []
        all_cached: list[float] = []
        all_like: list[float] = []
        # One untimed pass over every query first: otherwise the first query
        # timed pays alone for a freshly started server's empty buffers.
        with _nothing_cached():
            for query in queries.values():
                client.get(f"/search/?q={quote(query)}")
        for name, query in queries.items():
            url = f"/search/?q={quote(query)}"
            # Against icontains, every search is done afresh: nothing cached.
            with _nothing_cached():
                client.get(url)
                fts, fts_sql, _ = _timed_requests(client, url, self.options["repeat"])
            cached = self._timed_get(client, url, self.options["repeat"])
            like = self._icontains(user, query)
            all_fts += fts
            all_sql += fts_sql
            all_cached += cached
            all_like += like
            rows[name] = {
                "query": query,
                "full_text": _summary(fts),
                "full_text_sql": _summary(fts_sql),
                "cached": _summary(cached),
                "icontains": _summary(like),
            }
        rows["all queries"] = {
            "full_text": _summary(all_fts),
            "full_text_sql": _summary(all_sql),
            "cached": _summary(all_cached),
            "icontains": _summary(all_like),
        }
        for row in rows.values():
            like_p95 = row["icontains"]["p95_ms"]
            row["ratio_p95"] = round(like_p95 / row["full_text"]["p95_ms"], 1)
            # What the ratio would be if the page cost nothing but its SQL:
            # a search whose SQL alone is not 20 times faster cannot be.
            row["sql_ratio_p95"] = round(like_p95 / row["full_text_sql"]["p95_ms"], 1)
        return rows

    def _icontains(self, user: Any, query: str) -> list[float]:
        """The same search done as Django admin's default search would: icontains scans.

        Operators are applied the same way; only the words use icontains.
        """
        words, operators = split_operators(query)
        criteria = Criteria(by=operators["by"])
        from notes.search.forms import SearchForm

        form = SearchForm(
            {"q": " ".join(f'{k}:"{v}"' for k, vs in operators.items() for v in vs)}, user=user
        )
        if form.is_valid():
            criteria = form.criteria
        criteria.words = ""
        condition = Q()
        for word in words.replace('"', "").split():
            term = Q(heading__icontains=word.lstrip("-")) | Q(body__icontains=word.lstrip("-"))
            condition &= ~term if word.startswith("-") else term
        times = []
        for _ in range(self.options["slow_repeat"]):
            started = time.perf_counter()
            notes = matching_notes(user, criteria).filter(condition)
            notes.count()
            list(notes.newest_first().select_related("meeting__cell")[:PAGE_SIZE])
            times.append((time.perf_counter() - started) * 1000)
        return times

    def _pages(self, user: Any, pages: dict[str, str]) -> dict[str, Any]:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        rows = {}
        for name, url in pages.items():
            # Cold: the first view after the cached figures expire.
            cache.clear()
            started = time.perf_counter()
            client.get(url)
            cold = round((time.perf_counter() - started) * 1000, 1)
            repeat = self.options["repeat"]
            times = self._timed_get(client, url, repeat)
            # Server time over SQL from the same requests, as many as the
            # timings: the SQL of a few requests alone varied by a third.
            warm = _server_and_sql(client, url, repeat)
            with _nothing_cached():
                uncached = _server_and_sql(client, url, repeat)
            summary = _summary(times)
            rows[name] = {
                "url": url,
                **summary,
                "cold_ms": cold,
                "queries": warm["queries"],
                "sql_p50_ms": warm["sql_ms"],
                "with_sql_p50_ms": warm["server_ms"],
                "server_to_sql": round(warm["server_ms"] / max(warm["sql_ms"], 0.01), 1),
                "uncached_p50_ms": uncached["server_ms"],
                "uncached_sql_p50_ms": uncached["sql_ms"],
                "uncached_server_to_sql": round(
                    uncached["server_ms"] / max(uncached["sql_ms"], 0.01), 1
                ),
                "html_kb": round(len(client.get(url).content) / 1024, 1),
            }
        return rows

    # Throughput --------------------------------------------------------------

    def _throughput(self, user: Any, targets: dict[str, Any]) -> dict[str, Any]:
        session = login_session(user)
        cookie = "; ".join(f"{name}={value}" for name, value in session.items())
        port = 8765
        env = production_env(database_url(), BETTERWAY_BENCHMARK_VIEWS="1")
        collect_static(env)
        try:
            with gunicorn(env, port, workers=2, quiet=True):
                pages = {
                    "baseline (one query)": "/bench/baseline",
                    "theme page": targets["theme"],
                    "search": "/search/?q=council",
                }
                for url in pages.values():  # warm: each page once before timing
                    self._load(port, url, cookie, seconds=0.5)
                # Two rounds, taking turns, so that a slower moment of the
                # machine weighs on every page alike.
                runs = [
                    self._load(port, url, cookie, seconds=self.options["duration"] / 2)
                    for _ in range(2)
                    for url in pages.values()
                ]
                rows = {
                    name: _combined([run for run in runs if run["url"] == url])
                    for name, url in pages.items()
                }
        finally:
            SessionStore(session[settings.SESSION_COOKIE_NAME]).delete()
        base = rows["baseline (one query)"]["requests_per_second"]
        for row in rows.values():
            row["share_of_baseline"] = round(row["requests_per_second"] / base, 2)
        return rows

    def _load(self, port: int, url: str, cookie: str, seconds: float) -> dict[str, Any]:
        """Requests per second from a pool of keep-alive clients for a fixed time."""
        stop = time.monotonic() + seconds
        counts: list[int] = []
        failures: list[int] = []
        lock = threading.Lock()

        def client() -> None:
            done = failed = 0
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop:
                conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done += 1
                else:
                    failed += 1
            conn.close()
            with lock:
                counts.append(done)
                failures.append(failed)

        threads = [threading.Thread(target=client) for _ in range(self.options["concurrency"])]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        return {
            "url": url,
            "requests": sum(counts),
            "failed": sum(failures),
            "seconds": elapsed,
            "requests_per_second": round(sum(counts) / elapsed, 1),
        }

    # Import ------------------------------------------------------------------

    def _import(self) -> dict[str, Any]:
        """Time importing 1,000 notes (50 files of 20 points) through import_notes."""
        cell = Cell.objects.order_by("pk")[0]
        with tempfile.TemporaryDirectory() as folder:
            for n in range(50):
                paragraphs = [
                    f"Point {p} of imported note {n}: the council and the community "
                    "talked about budgets, trust and prevention."
                    for p in range(20)
                ]
                day = datetime.date(2031, 1, 1) + datetime.timedelta(days=n)
                header = f"Note of Bench cell discussion, {cell.name}, {day:%d %B %Y}"
                text = "\n\n".join([header, *paragraphs])
                Path(folder, f"bench-{n:02d}.txt").write_text(text)
            started = time.perf_counter()
            with open(os.devnull, "w") as quiet:  # noqa: PTH123
                call_command("import_notes", folder, "--cell", cell.slug, stdout=quiet)
            elapsed = time.perf_counter() - started
        imported = Meeting.objects.filter(cell=cell, date__year=2031)
        notes = Note.objects.filter(meeting__in=imported).count()
        imported.delete()  # leave the benchmark data as it was
        return {
            "notes": notes,
            "seconds": round(elapsed, 2),
            "notes_per_second": round(notes / elapsed, 1),
        }

    # Report ------------------------------------------------------------------

    def _print(self, results: dict[str, Any]) -> None:
        out = self.stdout.write
        data, machine = results["data"], results["machine"]
        out(
            f"\nData: {data['notes']:,} notes, {data['meetings']:,} meetings, "
            f"{data['cells']} cells, {data['themes']} themes"
        )
        out(
            f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, "
            f"PostgreSQL {machine['postgresql']}"
        )
        for reader, rows in results.get("search", {}).items():
            out(f"\nSearch server time, {reader} (ms; full text uncached, then from the cache)")
            out("SQL p95: the full-text requests' own SQL; SQL alone: the ratio were that all")
            out(
                f"{'query':<16} {'FTS p50':>8} {'p95':>7} {'max':>7} {'SQL p95':>7} │ "
                f"{'cached p95':>10} │ "
                f"{'icontains p50':>13} {'p95':>8} │ {'ratio p95':>9} {'SQL alone':>9}"
            )
            for name, row in rows.items():
                fts, like = row["full_text"], row["icontains"]
                full_text = (
                    f"{fts['p50_ms']:>8.1f} {fts['p95_ms']:>7.1f} {fts['max_ms']:>7.1f} "
                    f"{row['full_text_sql']['p95_ms']:>7.1f}"
                )
                scan = f"{like['p50_ms']:>13.1f} {like['p95_ms']:>8.1f}"
                cached = f"{row['cached']['p95_ms']:>10.1f}"
                ratios = f"{row['ratio_p95']:>8.1f}x {row['sql_ratio_p95']:>8.1f}x"
                out(f"{name:<16} {full_text} │ {cached} │ {scan} │ {ratios}")
        if "quality" in results:
            self._print_quality(results["quality"])
        if "pages" in results:
            self._print_pages(results["pages"])
        if "throughput" in results:
            out(f"\nThroughput, gunicorn 2 workers, {self.options['concurrency']} clients")
            for name, row in results["throughput"].items():
                share = f"{row['share_of_baseline']:.2f} of baseline, {row['failed']} failed"
                out(f"{name:<22} {row['requests_per_second']:>8.1f} req/s ({share})")
        if "import" in results:
            imp = results["import"]
            out(
                f"\nImport: {imp['notes']} notes in {imp['seconds']} s "
                f"({imp['notes_per_second']} notes/s)"
            )
        if "digests" in results:
            dig = results["digests"]
            by_follows = ", ".join(
                f"{n} with {label}" for label, n in dig["queries_by_follows"].items()
            )
            out(
                f"\nDigests: {dig['members']:,} members, {dig['mails']:,} mails, "
                f"{dig['points']:,} points in {dig['seconds']} s ({dig['ms_per_member']} ms and "
                f"{dig['queries_per_member']} queries per member; one digest: {by_follows})"
            )

    def _print_quality(self, quality: dict[str, Any]) -> None:
        out = self.stdout.write
        fts, like = quality["full_text"], quality["icontains"]
        out(
            f"\nSearch quality, bench-wide: known items ({fts['known_items']} full text, "
            f"{like['known_items']} icontains) and theme queries ({fts['theme_queries']}, "
            f"{like['theme_queries']})"
        )
        out(f"{'':<22} {'rank 1':>7} {'success@10':>11} {'MRR@20':>7} {'theme top 10 tagged':>20}")
        for name, row in [("full text", fts), ("icontains, newest first", like)]:
            out(
                f"{name:<22} {row['rank_1']:>7.1%} {row['success_at_10']:>11.1%} "
                f"{row['mrr_at_20']:>7.3f} {row['theme_top10_tagged']:>20.1%}"
            )

    def _print_pages(self, pages: dict[str, Any]) -> None:
        out = self.stdout.write
        out("\nPages, bench-wide (server time in ms; uncached: nothing taken from the cache)")
        out("x SQL: server time over its SQL's, both medians of the same requests")
        out(
            f"{'page':<20} {'p50':>7} {'p95':>7} {'cold':>7} {'queries':>8} {'SQL p50':>8} "
            f"{'x SQL':>6} │ {'uncached':>8} {'SQL':>7} {'x SQL':>6} │ {'HTML KB':>8}"
        )
        for name, row in pages.items():
            out(
                f"{name:<20} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['cold_ms']:>7.1f} "
                f"{row['queries']:>8} {row['sql_p50_ms']:>8.2f} {row['server_to_sql']:>6.1f} │ "
                f"{row['uncached_p50_ms']:>8.1f} {row['uncached_sql_p50_ms']:>7.1f} "
                f"{row['uncached_server_to_sql']:>6.1f} │ {row['html_kb']:>8.1f}"
            )
