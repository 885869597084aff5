from django.apps import AppConfig


class BetterwayConfig(AppConfig):
    name = "betterway"
    verbose_name = "Site and people"
