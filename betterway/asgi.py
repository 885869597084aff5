"""ASGI entry point, used by servers such as gunicorn."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "betterway.settings")

application = get_asgi_application()
