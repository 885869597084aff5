"""Helpers for tests that run the app as production does, in other processes."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from betterway.dev.production import free_port


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str


def get(port: int, path: str, timeout: float = 20, headers: dict[str, str] | None = None) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
    response = conn.getresponse()
    answer = Answer(
        response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    )
    conn.close()
    return answer


class DatabaseSwitch:
    """A TCP port in front of the test database that a test can turn off and on.

    "up" forwards to PostgreSQL; "down" closes every connection and refuses new
    ones (the server has stopped); "silent" accepts connections and never
    answers (a server that hangs).
    """

    def __init__(self) -> None:
        params = connection.get_connection_params()
        folder, port = str(params["host"]), params.get("port") or 5432
        self.target = str(Path(folder) / f".s.PGSQL.{port}")
        self.port = free_port()
        self.mode = "up"
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self) -> str:
        params = connection.get_connection_params()
        return (
            f"postgres://{params['user']}@127.0.0.1:{self.port}/{connection.settings_dict['NAME']}"
        )

    def set(self, mode: str) -> None:
        self.mode = mode
        if mode != "up":
            with self._lock:
                for link in self._links:
                    link.close()
                self._links.clear()

    def close(self) -> None:
        self.set("down")
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "down":
                client.close()
                continue
            with self._lock:
                self._links.append(client)
            if self.mode == "silent":
                continue
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.target)
            with self._lock:
                self._links.append(server)
            for source, sink in [(client, server), (server, client)]:
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.close()
