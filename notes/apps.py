from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "notes"
    verbose_name = "Notes and themes"

    def ready(self) -> None:
        from notes import signals  # noqa: F401 - connects the handlers
        from notes.actions.editor import ActionsPanel
        from notes.following import receivers, services  # noqa: F401 - connects the handlers
        from notes.record.panels import register
        from notes.search import receivers as search_receivers  # noqa: F401 - connects them

        register(ActionsPanel())
