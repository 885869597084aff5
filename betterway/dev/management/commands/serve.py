"""``manage.py serve [ADDR:PORT]``: the development server with a worker beside it.

``make run`` uses it. Ctrl-C or SIGTERM stops both; if either stops on its
own, the other is stopped too, so no worker is left behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the app and run a background worker beside it (development)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        python, manage = sys.executable, sys.argv[0]
        processes = [
            subprocess.Popen([python, manage, "procrastinate", "worker"]),  # noqa: S603
            subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
                [python, manage, "runserver", "--verbosity", "0", addrport]
            ),
        ]

        def stop(*_: object) -> None:
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.3)
        finally:
            stop()
            for process in processes:
                process.wait(timeout=15)
