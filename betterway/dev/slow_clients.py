"""Slow clients: connections that send their request a byte at a time.

gunicorn's sync workers each read one request at a time, so a handful of
such connections can hold every worker; nginx in front reads requests in
full before passing them on. ``slow_connections`` opens them; the tests and
``make load`` time a normal request meanwhile.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def slow_connections(port: int, count: int, interval: float = 1.0) -> Iterator[None]:
    """``count`` connections to 127.0.0.1:port trickling request headers until the block ends."""
    stop = threading.Event()

    def trickle() -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                while not stop.wait(interval):
                    conn.sendall(b"X")  # a header line that never ends
        except OSError:
            pass  # the server gave up on us, as it should

    threads = [threading.Thread(target=trickle, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # let them connect and start trickling
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def timed_get(port: int, path: str = "/healthz", timeout: float = 30) -> tuple[int | None, float]:
    """(status or None on timeout, seconds) of one plain GET."""
    import http.client

    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, time.perf_counter() - started
    except OSError:
        return None, time.perf_counter() - started
