"""Answers for when the site cannot do what was asked: outages, slow queries, huge requests.

While PostgreSQL is unreachable every page answers 503 with ``Retry-After``
and a calm page, and each server process logs one line when the outage starts
and one when the database is back (rather than a traceback per request).
Reconnecting needs nothing: each request asks for a connection afresh.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError
from django.template.loader import render_to_string
from psycopg import errors as pg_errors

logger = logging.getLogger("betterway.outage")

RETRY_AFTER_SECONDS = 60

# When this process first failed to reach the database, while it cannot.
_outage_started: float | None = None


def _database_trouble(error: BaseException | None) -> str:
    """ "slow", "outage" or "" for an exception that is not about the database."""
    if not isinstance(error, OperationalError | InterfaceError):
        return ""
    if isinstance(error.__cause__, pg_errors.QueryCanceled):
        return "slow"
    return "outage"


def already_logged(response: HttpResponseBase) -> HttpResponseBase:
    """Keep Django from logging this 5xx response (with a traceback): the
    outage's own lines have said what happened, once.
    """
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _unavailable() -> HttpResponse:
    # Rendered without the request: the usual context (the user, their
    # messages) would ask the database again.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    already_logged(response)
    return response


def note_outage(error: BaseException) -> None:
    """Log the start of an outage, once per process however many requests fail."""
    global _outage_started
    if _outage_started is None:
        _outage_started = time.monotonic()
        lines = str(error).strip().splitlines()
        logger.error(
            "Database unreachable (%s); answering 503 until it is back.",
            lines[0] if lines else type(error).__name__,
        )


def note_recovery() -> None:
    """Log, once, that the database answers again after an outage this process saw."""
    global _outage_started
    if _outage_started is not None:
        logger.warning("Database reachable again after %.0f s.", time.monotonic() - _outage_started)
        _outage_started = None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 while the database is away or too slow, else the usual 500 page."""
    error = sys.exc_info()[1]
    trouble = _database_trouble(error)
    if trouble == "slow":
        logger.warning("Query took too long on %s; answered 503.", request.path)
        return _unavailable()
    if trouble == "outage" and error is not None:
        note_outage(error)
        return _unavailable()
    return HttpResponseServerError(render_to_string("500.html"))


class DatabaseRecoveryMiddleware:
    """Logs, once, that the database is back after an outage this process saw."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 500:
            note_recovery()
        return response


class RequestSizeMiddleware:
    """Refuse a request whose body is larger than any form needs, before reading it.

    Django reads a form's fields into memory and an upload to a temporary
    file; a body declared larger than ``MAX_REQUEST_BYTES`` is answered 413
    at once, so a 60 MB post costs nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            response = HttpResponse(
                render_to_string(
                    "413.html",
                    {
                        "limit_mb": settings.MAX_REQUEST_BYTES // (1024 * 1024),
                        "file_mb": settings.NOTE_FILE_MAX_MB,
                    },
                ),
                status=413,
            )
            # The unread body is not worth keeping the connection for.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
