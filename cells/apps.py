from django.apps import AppConfig


class CellsConfig(AppConfig):
    name = "cells"
    verbose_name = "Cells and meetings"

    def ready(self) -> None:
        from cells import signals  # noqa: F401 - connects the handlers
