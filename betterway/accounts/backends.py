"""Logging in with a username or an e-mail address, whatever the case typed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from betterway.models import User
from betterway.rows import RowReader

# The user of a session, read on every request (see betterway.rows).
_USER_BY_ID = RowReader(User, "id = %s")


def user_for_login(identifier: str) -> User | None:
    """The account ``identifier`` names: an e-mail address (unique ignoring case),
    else a username, exactly as typed first and then in any case.
    """
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    exact = User.objects.filter(username=identifier).first()
    if exact is not None:
        return exact
    matches = list(User.objects.filter(username__iexact=identifier)[:2])
    return matches[0] if len(matches) == 1 else None


class EmailOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # Hash anyway, so a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The session's user, as ``ModelBackend`` finds them: inactive users are not."""
        user = _USER_BY_ID.get(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
