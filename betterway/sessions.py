"""Sessions kept in the database, as Django keeps them, read without the ORM's query building."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from betterway.rows import RowReader

_UNEXPIRED = RowReader(Session, "session_key = %s AND expire_date > %s")


class SessionStore(db.SessionStore):
    """Django's database sessions; only the read every request makes is prepared
    (see ``betterway.rows``). Saving, expiry and clearing are Django's own.
    """

    def _get_session_from_db(self) -> Session | None:
        session = _UNEXPIRED.get(self.session_key, timezone.now())
        if session is None:
            # As Django's store: an unknown or expired key starts a new session.
            self._session_key = None
        return session
