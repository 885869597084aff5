"""``manage.py load``: simulated users against the production setup; ``make load`` runs it.

nginx in front of gunicorn (sync workers) on production settings, as README.md
describes, on a database holding the demo. For ``--seconds`` seconds,
``--users`` users each loop: 60% readers (theme, meeting and search pages, not
logged in), 30% members searching, 10% facilitators saving an edit to one of
their meetings. It prints requests, errors, response times, and whether every
write the server acknowledged is in the database. First, unless skipped, it
times a request while slow clients hold connections open, straight to
gunicorn and through nginx.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from betterway.dev.forms import form_fields
from betterway.dev.production import (
    collect_static,
    database_url,
    free_port,
    gunicorn,
    login_session,
    nginx,
    production_env,
)
from betterway.dev.slow_clients import slow_connections, timed_get
from cells.models import Cell, Meeting, MeetingStatus, Role, Visibility
from notes.models import Note, Theme

SEARCH_WORDS = ["council", "trust", "leadership", "housing", "prevention", "data", "budget"]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    refused_as_stale: int = 0

    def record(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


class Browser:
    """One simulated user's connection and cookies."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (OSError, http.client.HTTPException):
            # A dropped keep-alive connection: open a new one and try once more.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers.get("Location", ""), text


class Command(BaseCommand):
    help = "Simulated users against nginx and gunicorn on production settings (make load)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument("--slow-clients", type=int, default=3)
        parser.add_argument("--skip-slow-clients", action="store_true")
        parser.add_argument("--json", help="also write the figures to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        self.options = options
        if not Meeting.objects.filter(status=MeetingStatus.PUBLISHED).exists():
            raise CommandError("No meetings here: run `manage.py load_demo` first.")
        targets = self._targets()
        env = production_env(database_url(), DJANGO_BEHIND_PROXY="1")
        collect_static(env)
        app_port, port = free_port(), free_port()
        results: dict[str, Any] = {}
        with gunicorn(env, app_port, workers=options["workers"], quiet=True):
            if not options["skip_slow_clients"]:
                results["slow_clients"] = self._slow_clients(app_port, port)
            with nginx(port, app_port):
                tally = self._run(port, targets)
        results["load"] = self._summary(tally)
        self._report(results)
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(results, indent=2))

    # What the users visit -----------------------------------------------------

    def _targets(self) -> dict[str, Any]:
        public = Meeting.objects.filter(
            status=MeetingStatus.PUBLISHED, cell__visibility=Visibility.PUBLIC
        )
        themes = Theme.objects.filter(tagged_notes__content_object__meeting__in=public)
        users = get_user_model().objects
        facilitators = users.filter(memberships__role=Role.FACILITATOR, is_active=True).distinct()
        members = users.filter(memberships__isnull=False, is_active=True).distinct()
        return {
            "reader_pages": [m.get_absolute_url() for m in public]
            + [t.get_absolute_url() for t in themes.distinct()]
            + [f"/search/?{urlencode({'q': word})}" for word in SEARCH_WORDS],
            "members": [login_session(user) for user in members],
            "editors": [
                (
                    login_session(user),
                    [
                        m.get_absolute_url() + "edit/"
                        for m in Meeting.objects.filter(
                            cell__in=Cell.objects.filter(
                                memberships__user=user,
                                memberships__role=Role.FACILITATOR,
                                is_active=True,
                            )
                        )
                    ],
                )
                for user in facilitators
            ],
        }

    # Slow clients ---------------------------------------------------------------

    def _slow_clients(self, app_port: int, port: int) -> dict[str, Any]:
        count = self.options["slow_clients"]
        self.stdout.write(f"Slow clients: {count} connections trickling headers …")
        with slow_connections(app_port, count):
            direct = timed_get(app_port, timeout=60)
        with nginx(port, app_port), slow_connections(port, count):
            proxied = timed_get(port, timeout=60)
        return {
            "connections": count,
            "gunicorn_alone": {"status": direct[0], "seconds": round(direct[1], 3)},
            "behind_nginx": {"status": proxied[0], "seconds": round(proxied[1], 3)},
        }

    # The users ------------------------------------------------------------------

    def _run(self, port: int, targets: dict[str, Any]) -> Tally:
        tally = Tally()
        users = self.options["users"]
        readers = round(users * 0.6)
        members = round(users * 0.3)
        stop = time.monotonic() + self.options["seconds"]
        threads = []
        for index in range(users):
            if index < readers:
                target = self._reader
            elif index < readers + members:
                target = self._member
            else:
                target = self._editor
            threads.append(
                threading.Thread(target=target, args=(port, targets, tally, stop, index))
            )
        self.stdout.write(f"{users} users for {self.options['seconds']} s …")
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return tally

    @staticmethod
    def _timed(
        tally: Tally, kind: str, browser: Browser, method: str, path: str, body: str | None = None
    ) -> tuple[int, str, str] | None:
        """The answer, timed and tallied; 409 (saved meanwhile by someone else) is no error."""
        started = time.perf_counter()
        try:
            status, location, text = browser.request(method, path, body)
        except (OSError, http.client.HTTPException) as failure:
            tally.record(kind, time.perf_counter() - started, type(failure).__name__)
            return None
        tally.record(
            kind,
            time.perf_counter() - started,
            f"{method} {path} answered {status}" if status >= 400 and status != 409 else "",
        )
        return status, location, text

    def _reader(
        self, port: int, targets: dict[str, Any], tally: Tally, stop: float, n: int
    ) -> None:
        browser, pick = Browser(port), random.Random(n)  # noqa: S311 - not for security
        while time.monotonic() < stop:
            self._timed(tally, "reader", browser, "GET", pick.choice(targets["reader_pages"]))
            time.sleep(pick.uniform(0.5, 1.5))

    def _member(
        self, port: int, targets: dict[str, Any], tally: Tally, stop: float, n: int
    ) -> None:
        pick = random.Random(n)  # noqa: S311 - not for security
        browser = Browser(port, pick.choice(targets["members"]))
        while time.monotonic() < stop:
            query = urlencode({"q": " ".join(pick.sample(SEARCH_WORDS, pick.randint(1, 2)))})
            self._timed(tally, "member search", browser, "GET", f"/search/?{query}")
            time.sleep(pick.uniform(0.5, 1.5))

    def _editor(
        self, port: int, targets: dict[str, Any], tally: Tally, stop: float, n: int
    ) -> None:
        pick = random.Random(n)  # noqa: S311 - not for security
        cookies, urls = pick.choice(targets["editors"])
        browser = Browser(port, cookies)
        while time.monotonic() < stop and urls:
            url = pick.choice(urls)
            page = self._timed(tally, "editor page", browser, "GET", url)
            if page is None or page[0] != 200:
                time.sleep(1)
                continue
            fields = form_fields(page[2], "points-TOTAL_FORMS")
            marker = f"load-{uuid.uuid4().hex[:12]}"
            fields = [
                (name, f"{value} {marker}" if name == "points-0-body" else value)
                for name, value in fields
                if name != "action"
            ]
            fields.append(("action", "save"))
            body = urlencode(fields)
            saved = self._timed(tally, "save", browser, "POST", url, body)
            if saved is not None and saved[0] == 302:
                with tally.lock:
                    tally.acknowledged.append(marker)
            elif saved is not None and saved[0] == 409:
                with tally.lock:  # someone saved the meeting meanwhile: told, not lost
                    tally.refused_as_stale += 1
            time.sleep(pick.uniform(1, 3))

    # Figures --------------------------------------------------------------------

    def _summary(self, tally: Tally) -> dict[str, Any]:
        found = sum(
            Note.objects.filter(body__contains=marker).exists() for marker in tally.acknowledged
        )
        every = [t for times in tally.times.values() for t in times]
        return {
            "requests": len(every),
            "errors": len(tally.errors),
            "error_examples": tally.errors[:5],
            "kinds": {kind: _percentiles(times) for kind, times in sorted(tally.times.items())},
            "all": _percentiles(every),
            "writes_acknowledged": len(tally.acknowledged),
            "writes_found": found,
            "saves_refused_as_stale": tally.refused_as_stale,
        }

    def _report(self, results: dict[str, Any]) -> None:
        out = self.stdout.write
        if "slow_clients" in results:
            slow = results["slow_clients"]
            out(
                f"\nSlow clients ({slow['connections']} connections trickling headers), "
                "one GET /healthz:"
            )
            for name in ["gunicorn_alone", "behind_nginx"]:
                row = slow[name]
                out(
                    f"  {name.replace('_', ' '):<16} status {row['status']}  {row['seconds']:.3f} s"
                )
        load = results["load"]
        out(
            f"\nLoad: {self.options['users']} users, {self.options['seconds']} s, "
            f"nginx + gunicorn {self.options['workers']} sync workers, production settings"
        )
        out(f"  requests {load['requests']}, errors {load['errors']}")
        out(f"  {'kind':<16} {'count':>6} {'p50 ms':>8} {'p95 ms':>8}")
        for kind, row in [*load["kinds"].items(), ("all", load["all"])]:
            out(f"  {kind:<16} {row['count']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8}")
        out(
            f"  writes acknowledged {load['writes_acknowledged']}, found in the database "
            f"{load['writes_found']}; saves refused as stale (told, nothing lost) "
            f"{load['saves_refused_as_stale']}"
        )
        for example in load["error_examples"]:
            out(f"  error: {example}")


def _percentiles(times: list[float]) -> dict[str, Any]:
    if not times:
        return {"count": 0, "p50_ms": 0, "p95_ms": 0}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
    }
