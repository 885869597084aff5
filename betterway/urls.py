"""The one place that wires the apps together."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from betterway import views
from betterway.accounts.forms import AdminLoginForm
from notes.following.views import home

admin.site.site_header = "Better Way Notes administration"
admin.site.site_title = "Better Way Notes admin"
admin.site.index_title = "Run the network"
admin.site.login_form = AdminLoginForm

# Database outages and runaway queries answer 503 (try again), not 500.
handler500 = "betterway.errors.server_error"

urlpatterns = [
    # A member's dashboard; the site's home page for visitors who are not logged in.
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin).
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("betterway.accounts.urls")),
    path("cells/", include("cells.urls")),
    path("", include("notes.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK_VIEWS:
    # Development tooling, wired in only when the benchmark asks for it.
    from betterway.dev.views import bench_baseline, bench_floor

    # First: behind the catch-all include below, each would first fail to
    # match every pattern of notes.urls, which no real page pays.
    urlpatterns = [
        path("bench/baseline", bench_baseline, name="bench_baseline"),
        path("bench/floor", bench_floor, name="bench_floor"),
        *urlpatterns,
    ]
