"""``manage.py bench_mail``: mail through a real worker to a local SMTP server.

Prints the time from queueing an invitation mail to its arrival (a running
worker, as in production) and how many mails per second one worker sends.
Development only: it starts its own SMTP server (aiosmtpd) on loopback.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from betterway.mail import queue_mail
from betterway.models import Mail

CONTEXT = {
    "cell": "Bench cell",
    "role": "member",
    "inviter": "Bench",
    "site_url": "http://127.0.0.1:8000/",
    "accept_url": "http://127.0.0.1:8000/cells/join/token/",
    "expires": "1 January 2031",
}


class _Inbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


class Command(BaseCommand):
    help = "Measure mail latency and throughput through a worker to a local SMTP server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mails", type=int, default=500)
        parser.add_argument("--latency-runs", type=int, default=10)

    def handle(self, *args: Any, mails: int, latency_runs: int, **options: Any) -> None:
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        inbox = _Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "mail"],
            cwd=settings.BASE_DIR,
            env=env,
        )
        stamp = time.time_ns()
        try:
            self._wait(inbox, 0, timeout=5)
            latencies = []
            for run in range(latency_runs):
                before = inbox.count
                started = time.perf_counter()
                with transaction.atomic():
                    queue_mail(
                        f"bench:{stamp}:latency:{run}", "invitation", "b@example.org", CONTEXT
                    )
                self._wait(inbox, before + 1)
                latencies.append((time.perf_counter() - started) * 1000)
            before = inbox.count
            started = time.perf_counter()
            with transaction.atomic():
                for n in range(mails):
                    queue_mail(
                        f"bench:{stamp}:bulk:{n}", "invitation", f"b{n}@example.org", CONTEXT
                    )
            queued = time.perf_counter() - started
            self._wait(inbox, before + mails, timeout=600)
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            controller.stop()
            Mail.objects.filter(key__startswith=f"bench:{stamp}:").delete()
        self.stdout.write(
            f"Queue to delivery, one mail, running worker ({latency_runs} runs): "
            f"median {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms\n"
            f"{mails} mails: queued in {queued:.2f} s, all delivered after {elapsed:.2f} s: "
            f"{mails / elapsed:.0f} mails/s through one worker"
        )

    def _wait(self, inbox: _Inbox, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while inbox.count < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {inbox.count} of {count} mails arrived")
            time.sleep(0.005)
