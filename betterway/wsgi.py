"""WSGI entry point, used by servers such as gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterway.settings")
# Web requests give up on any SQL statement after this many seconds (503), so a
# runaway query cannot hold a worker; workers and commands set their own.
os.environ.setdefault("BETTERWAY_STATEMENT_TIMEOUT", "15")

application = get_wsgi_application()
