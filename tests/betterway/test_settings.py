"""Settings read from the environment: bad values fail loudly, production is strict."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.personas import database_url_of_tests

BASE_DIR = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603 - the test's own interpreter
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "betterway.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


IMPORT = "import django; django.setup()"


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run(IMPORT, DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="notes.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _run(IMPORT, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_production_refuses_to_start_without_adatabase_url_of_tests() -> None:
    result = _run(
        IMPORT,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="notes.example.org",
    )
    assert result.returncode != 0
    assert "DATABASE_URL is required" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of"),
        ("DJANGO_CONN_MAX_AGE", "forever", "DJANGO_CONN_MAX_AGE must be a whole number"),
        ("DJANGO_HSTS_SECONDS", "-5", "DJANGO_HSTS_SECONDS must be at least 0"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must be a postgres"),
        ("BETTERWAY_CACHE", "memcached", "BETTERWAY_CACHE must be one of locmem, database, redis"),
        ("BETTERWAY_CACHE", "redis", "BETTERWAY_CACHE=redis needs REDIS_URL"),
        ("EMAIL_URL", "redis://mail", "EMAIL_URL must be smtp://"),
        ("EMAIL_URL", "smtp://mail:25?tls=1&ssl=1", "EMAIL_URL cannot ask for both tls and ssl"),
        ("EMAIL_URL", "smtp://mail:port/", "EMAIL_URL has a port that is not a number"),
    ],
)
def test_bad_values_are_rejected_with_a_clear_message(name: str, value: str, message: str) -> None:
    env = {"DJANGO_DEBUG": "1", name: value}
    result = _run(IMPORT, **env)
    assert result.returncode != 0
    assert message in result.stderr


PRINT_CACHE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'betterway.settings'; "
    "django.setup(); from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default'].get('LOCATION'))"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "django.core.cache.backends.db.DatabaseCache betterway_cache"),
        (
            {"REDIS_URL": "redis://cache.internal:6379/1"},
            "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/1",
        ),
        ({"BETTERWAY_CACHE": "locmem"}, "django.core.cache.backends.locmem.LocMemCache None"),
    ],
)
def test_the_cache_is_shared_by_every_process_by_default(
    env: dict[str, str], expected: str
) -> None:
    result = _run(PRINT_CACHE, DJANGO_DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(expected)


@pytest.mark.django_db
def test_check_deploy_is_clean_in_production_settings() -> None:
    result = _run(
        "from django.core.management import execute_from_command_line as run;"
        "run(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="notes.example.org",
        DATABASE_URL=database_url_of_tests(),
        EMAIL_URL="smtp://notes:secret@mail.example.org:587?tls=1",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
