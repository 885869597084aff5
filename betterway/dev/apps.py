from django.apps import AppConfig


class DevConfig(AppConfig):
    """Holds the development commands: load_demo, scale_data and bench."""

    name = "betterway.dev"
    label = "dev"
    verbose_name = "Development tools"
