"""Site-wide pages and behaviour: health check, log in and out, headers, errors."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from csp.constants import NONCE, SELF
from django.conf import settings
from django.core.cache import caches
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from betterway.middleware import ContentSecurityPolicyMiddleware
from notes.models import Theme
from tests.notes.actions.helpers import first_note
from tests.personas import PASSWORD, World


def test_health_check_answers_200_after_a_database_round_trip(client: Any, db: None) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_answers_503_when_the_cache_table_is_missing(client: Any, db: None) -> None:
    # A database cache whose table was never created: every log-in would fail.
    missing = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "no_such_cache_table",
    }
    with override_settings(CACHES={"default": missing}):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}


def test_migrate_creates_the_shared_cache_table(client: Any, db: None) -> None:
    shared = {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": settings.CACHE_TABLE,
    }
    with override_settings(CACHES={"default": shared}):
        assert client.get(reverse("healthz")).status_code == 200
        caches["default"].set("shared", "by every process")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {settings.CACHE_TABLE}")  # noqa: S608
            assert cursor.fetchone()[0] >= 1


def test_health_check_answers_503_when_the_database_is_down(
    client: Any, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class UnreachableDatabase:
        def cursor(self) -> None:
            raise OperationalError("connection refused")

    monkeypatch.setattr("betterway.views.connection", UnreachableDatabase())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_a_member_logs_in_and_out(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "member", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert "Your cells" in home.text and "Private cell" in home.text
    # The token the header's log-out form carries, as the browser posts it.
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', home.text)[1]  # type: ignore[index]
    assert token != page.cookies["csrftoken"].value
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "Log in" in client.get(reverse("home")).text


def test_a_wrong_password_keeps_the_username_and_says_why(world: World, client: Any) -> None:
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="member"' in response.text
    assert "do not match an account" in response.text


def test_log_out_refuses_a_post_without_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    assert client.post(reverse("logout")).status_code == 403


def _frame_links(html: str) -> list[str]:
    return re.findall(r'(?:href|action)="([^"]*)"', _header(html))


def test_the_frame_links_each_reader_to_what_they_may_use(world: World, client: Any) -> None:
    everyone = [reverse("home")] * 2 + [reverse("cells:list")]
    shared = [reverse("notes:theme_index"), reverse("notes:proposals")]
    themes = client.get(reverse("notes:theme_index"))
    assert _frame_links(themes.text) == [
        *everyone,
        *shared,
        reverse("notes:search"),
        reverse("login") + "?next=/themes/",
    ]
    assert 'href="/themes/" aria-current="page"' in themes.text

    client.force_login(world.users["member"])
    member = [*everyone, reverse("notes:following"), *shared]
    account = [reverse("notes:search"), reverse("profile"), reverse("logout")]
    assert _frame_links(client.get(reverse("home")).text) == [*member, *account]

    client.force_login(world.users["staff"])
    staff = _frame_links(client.get(reverse("home")).text)
    assert staff == [*member, reverse("admin:index"), *account]


def _current_links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)" aria-current="page"', _header(html))


def test_the_frame_marks_the_section_of_each_page(world: World, client: Any) -> None:
    theme = Theme.objects.create(name="housing", slug="housing")
    first_note(world.meetings[("public", "published")]).themes.add(theme)
    cell = world.cells["public"]
    sections = {
        reverse("home"): [reverse("home")],
        reverse("cells:list"): [reverse("cells:list")],
        cell.get_absolute_url(): [reverse("cells:list")],
        reverse("notes:following"): [reverse("notes:following")],
        reverse("notes:theme_index"): [reverse("notes:theme_index")],
        reverse("notes:theme", kwargs={"slug": theme.slug}): [reverse("notes:theme_index")],
        reverse("notes:proposals"): [reverse("notes:proposals")],
        reverse("notes:search") + "?q=housing": [],
        reverse("profile"): [],
    }
    client.force_login(world.users["member"])
    for url, current in sections.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert _current_links(response.text) == current, url
    # The same section for a reader logged out: no link to what they may not use.
    client.logout()
    themes = client.get(reverse("notes:theme_index")).text
    assert _current_links(themes) == [reverse("notes:theme_index")]
    assert reverse("notes:following") not in _frame_links(themes)


def _header(html: str) -> str:
    return html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]


def test_the_header_holds_each_readers_own_values_escaped(world: World) -> None:
    member, staff = world.users["member"], world.users["staff"]
    member.display_name = '<b>Mo</b> & "co"'
    member.save()
    staff.display_name = "Ada \x1fname\x1f"
    staff.save()
    as_member, as_staff, anonymous = Client(), Client(), Client()
    as_member.force_login(member)
    as_staff.force_login(staff)
    for _ in range(2):  # the second time from the header kept in memory
        mine = _header(as_member.get(reverse("home")).text)
        assert "&lt;b&gt;Mo&lt;/b&gt; &amp; &quot;co&quot;<span" in mine
        assert "<b>Mo" not in mine and "Ada" not in mine
        theirs = _header(as_staff.get(reverse("home")).text)
        # A value that looks like a hole is written as it is, not filled.
        assert "Ada \x1fname\x1f<span" in theirs and "Mo" not in theirs
        search = _header(as_member.get(reverse("notes:search"), {"q": '"><script>x'}).text)
        assert 'value="&quot;&gt;&lt;script&gt;x"' in search
        assert "<script>" not in search
        assert 'value=""' not in _header(as_member.get(reverse("home")).text)
        logged_out = _header(anonymous.get(reverse("notes:search"), {"q": "a&b c"}).text)
        assert f'href="{reverse("login")}?next=/search/%3Fq%3Da%2526b%2Bc"' in logged_out
        assert 'value="a&amp;b c"' in logged_out


def test_the_header_and_the_pages_forms_share_one_token(world: World) -> None:
    # Masking a token is a twentieth of the lightest page: one is made per page.
    theme = Theme.objects.create(name="housing", slug="housing")
    first_note(world.meetings[("public", "published")]).themes.add(theme)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["member"])
    page = client.get(reverse("notes:theme", kwargs={"slug": theme.slug})).text
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="(\w+)"', page)
    assert len(tokens) >= 2 and len(set(tokens)) == 1
    follow = client.post(
        reverse("notes:follow_theme", kwargs={"slug": theme.slug}),
        {"csrfmiddlewaretoken": tokens[0]},
    )
    assert follow.status_code == 302


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


STRICT_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def test_pages_send_a_strict_content_security_policy(client: Any, db: None) -> None:
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert _directives(policy) == STRICT_POLICY


def test_only_the_admin_allows_style_attributes_and_never_inline_script(
    client: Any, db: None
) -> None:
    admin_policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert _directives(admin_policy) == {**STRICT_POLICY, "style-src-attr": "'unsafe-inline'"}
    assert "style-src-attr" not in client.get(reverse("home"))["Content-Security-Policy"]


def test_a_response_with_a_policy_of_its_own_keeps_it(rf: Any) -> None:
    # What django-csp's decorators and nonces do still applies to a response.
    def view_with_update(request: Any) -> HttpResponse:
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://maps.example.org"]}  # type: ignore[attr-defined]
        return response

    def view_with_nonce(request: Any) -> HttpResponse:
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    def view_without_policy(request: Any) -> HttpResponse:
        response = HttpResponse("ok")
        response._csp_exempt = True  # type: ignore[attr-defined]
        return response

    def through_policy(view: Any, request: Any) -> HttpResponse:
        return cast(HttpResponse, ContentSecurityPolicyMiddleware(view)(request))

    updated = through_policy(view_with_update, rf.get("/"))
    assert _directives(updated["Content-Security-Policy"])["img-src"] == (
        "'self' data: https://maps.example.org"
    )
    request = rf.get("/")
    scripts_with_nonce = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=scripts_with_nonce):
        with_nonce = through_policy(view_with_nonce, request)
    assert f"'nonce-{request._csp_nonce}'" in with_nonce["Content-Security-Policy"]
    exempt = through_policy(view_without_policy, rf.get("/"))
    assert "Content-Security-Policy" not in exempt
    plain = through_policy(lambda request: HttpResponse("ok"), rf.get("/"))
    assert _directives(plain["Content-Security-Policy"]) == STRICT_POLICY


def test_unknown_pages_answer_a_helpful_404(client: Any, db: None) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "browse the cells" in response.text


def test_pages_refuse_to_be_written_to(world: World, client: Any) -> None:
    client.force_login(world.users["staff"])
    meeting = world.meetings[("public", "published")]
    for url in [reverse("home"), reverse("cells:list"), meeting.get_absolute_url()]:
        assert client.post(url).status_code == 405


def test_favicon_ico_redirects_to_the_site_icon(client: Any, db: None) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
