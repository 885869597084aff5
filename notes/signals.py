"""Keep each note's denormalised theme names in step with its themes.

Themes change through the taggit manager (m2m_changed), through TaggedNote
rows directly (admin inlines, bulk tools) and through renaming or deleting a
Theme; each path refreshes the notes it touched with one set-based UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver

from betterway import content_version
from cells.models import Meeting
from notes.actions.models import Action, Proposal, Rediscussion
from notes.models import Note, TaggedNote, Theme, ThemeAlias


@receiver(m2m_changed, sender=TaggedNote)
def _themes_changed(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **_: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Note):
        Note.objects.filter(pk=instance.pk).refresh_theme_names()
        instance.refresh_from_db(fields=["theme_names"])
    elif isinstance(instance, Theme):
        notes = Note.objects.filter(pk__in=pk_set) if pk_set else Note.objects.none()
        notes.refresh_theme_names()


@receiver([post_save, post_delete], sender=TaggedNote)
def _tagged_note_changed(sender: type, instance: TaggedNote, **_: Any) -> None:
    Note.objects.filter(pk=instance.content_object_id).refresh_theme_names()


@receiver(post_save, sender=Theme)
def _theme_saved(sender: type, instance: Theme, created: bool, **_: Any) -> None:
    if not created:
        # A rename must reach the search vector of every note on the theme.
        Note.objects.filter(tagged_items__tag=instance).refresh_theme_names()


@receiver(pre_save, sender=Theme)
def _keep_old_address(sender: type, instance: Theme, **_: Any) -> None:
    """A theme whose slug changes keeps its old address as an alias."""
    if instance.pk is None:
        return
    old_slug = Theme.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old_slug and old_slug != instance.slug:
        ThemeAlias.objects.filter(slug=instance.slug).delete()  # the new slug is live again
        ThemeAlias.objects.update_or_create(slug=old_slug, defaults={"theme": instance})


@receiver(post_migrate)
def _network_admin_group(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "name", "") == "notes":
        from notes.permissions import ensure_network_admin_group

        ensure_network_admin_group()


@receiver([post_save, post_delete], sender=Note)
@receiver([post_save, post_delete], sender=Meeting)
@receiver([post_save, post_delete], sender=Action)
@receiver([post_save, post_delete], sender=Proposal)
@receiver([post_save, post_delete], sender=Rediscussion)
@receiver([post_save, post_delete], sender=Theme)
@receiver([post_save, post_delete], sender=TaggedNote)
@receiver([post_save, post_delete], sender=ThemeAlias)
def _content_changed(sender: type, **_: Any) -> None:
    """Cached figures are counted afresh, and parts of pages read afresh, after any
    change to what they show (a meeting's actions and proposals included).
    """
    content_version.bump()


# The fields a person's shown name is made of (``User.get_display_name``).
_NAME_FIELDS = frozenset({"display_name", "first_name", "last_name", "username"})


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _person_saved(sender: type, update_fields: frozenset[str] | None, **_: Any) -> None:
    """Shared parts show people's names (who changed a proposal's status): a
    save that may change a name makes a new version. Logging in, which saves
    only the time of it, does not.
    """
    if update_fields is None or update_fields & _NAME_FIELDS:
        content_version.bump(for_everyone=True)
