from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BetterwayConfig(AppConfig):
    name = "betterway"
    verbose_name = "Site and people"

    def ready(self) -> None:
        from django.utils.autoreload import file_changed

        from betterway import lookups  # noqa: F401 - registers ``field__any``
        from betterway.release import renew_after_template_edit

        file_changed.connect(renew_after_template_edit, dispatch_uid="betterway_release")


class BetterwayAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on a site that asks staff for a second factor (see admin_site.py)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "betterway.admin_site.BetterwayAdminSite"
