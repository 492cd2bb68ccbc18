"""Persistence: sessions, messages, artifacts, profile, mentors, meetings and kept questions, per user.

SQLAlchemy Core over SQLite by default; ``MENTORPREP_DB`` may be a PostgreSQL URL
(``postgresql+psycopg://user:password@host/db``, with ``pip install -e '.[postgres]'``). Every write is its own
transaction, so a committed message survives a crash of the app.

All user data is reached through a user-bound view, ``store.for_user(user_id)`` (see
:class:`agent.core.userdata.UserStore`), so one user can never read or change another's rows. The methods on
:class:`Store` itself are the earlier API: those taking a ``user_id`` pass it on, and those taking only a row id
act for the local user ("local") unless given ``user_id=``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from agent.core.errors import ConfigError
from agent.core.schema import upgrade
from agent.core.userdata import (
    ARTIFACT_KINDS,
    MENTOR_FIELDS,
    PROFILE_FIELDS,
    SETTINGS_KINDS,
    Forget,
    NotFound,
    UserStore,
)

LOCAL_USER_ID = "local"
_SCHEMA_LOCK = 0x4D50_5245  # a fixed advisory-lock key, so two processes never create the tables at once

__all__ = ["ARTIFACT_KINDS", "LOCAL_USER_ID", "MENTOR_FIELDS", "NotFound", "PROFILE_FIELDS", "SETTINGS_KINDS", "Store",
           "UserStore"]


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def normalise_url(url: str) -> str:
    """Use the psycopg (version 3) driver for plain ``postgres://`` and ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Store:
    """The database behind MentorPrep; thread-safe (each call uses its own pooled connection).

    Example:
        ``mine = Store(settings.db_url).for_user(user.id); sid = mine.create_session("Coffee with Dr. Lee")``
    """

    def __init__(self, url: str) -> None:
        url = normalise_url(url)
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True  # a restarted database server must not break the next request
        try:
            self.engine: Engine = create_engine(url, **kwargs)
        except ModuleNotFoundError as exc:
            raise ConfigError(f"MENTORPREP_DB needs the {exc.name} driver: for PostgreSQL run "
                              "`pip install -e '.[postgres]'` and use a postgresql+psycopg:// URL.") from None
        except ArgumentError:
            raise ConfigError("MENTORPREP_DB is not a database URL I can read; use a SQLite file path or "
                              "postgresql+psycopg://user:password@host:5432/dbname.") from None
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            with self.engine.begin() as c:
                if c.dialect.name == "postgresql":
                    c.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
                upgrade(c)
        except OperationalError as exc:
            where = make_url(url).render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            raise ConfigError(f"Cannot open the database at {where} ({reason}). Check MENTORPREP_DB and that "
                              "the server is running.") from None

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Close pooled connections (the store stays usable and reconnects on the next call)."""
        self.engine.dispose()

    # ---- the per-user API -----------------------------------------------------------------------
    def for_user(self, user_id: str) -> UserStore:
        """This user's sessions, messages, artifacts, profile, mentors, meetings and kept questions."""
        return UserStore(self.engine, user_id)

    def delete_user(self, user_id: str, *, forget: Iterable[Forget] = ()) -> dict[str, int]:
        """Delete every row the user owns ("Delete everything about me"); see `UserStore.delete_everything`."""
        return self.for_user(user_id).delete_everything(forget)

    # ---- the earlier API: user given explicitly -------------------------------------------------
    def create_session(self, user_id: str, title: str = "New session", mode: str = "chat") -> str:
        return self.for_user(user_id).create_session(title, mode)

    def list_sessions(self, user_id: str) -> list[dict[str, Any]]:
        return self.for_user(user_id).list_sessions()

    def get_profile(self, user_id: str) -> dict[str, str]:
        return self.for_user(user_id).get_profile()

    def save_profile(self, user_id: str, **values: str) -> dict[str, str]:
        return self.for_user(user_id).save_profile(**values)

    def add_mentor(self, user_id: str, name: str, **kwargs: Any) -> int:
        return self.for_user(user_id).add_mentor(name, **kwargs)

    def list_mentors(self, user_id: str) -> list[dict[str, Any]]:
        return self.for_user(user_id).list_mentors()

    def find_mentor(self, user_id: str, name: str) -> dict[str, Any] | None:
        return self.for_user(user_id).find_mentor(name)

    def keep_question(self, user_id: str, text: str, **kwargs: Any) -> int:
        return self.for_user(user_id).keep_question(text, **kwargs)

    def list_kept_questions(self, user_id: str, mentor_id: int | None = None) -> list[dict[str, Any]]:
        return self.for_user(user_id).list_kept_questions(mentor_id)

    # ---- the earlier API: row ids, acting for the local user unless told otherwise ---------------
    def get_session(self, session_id: str, *, user_id: str = LOCAL_USER_ID) -> dict[str, Any] | None:
        return self.for_user(user_id).get_session(session_id)

    def rename_session(self, session_id: str, title: str, *, user_id: str = LOCAL_USER_ID) -> None:
        self.for_user(user_id).rename_session(session_id, title)

    def delete_session(self, session_id: str, *, user_id: str = LOCAL_USER_ID) -> bool:
        return self.for_user(user_id).delete_session(session_id)

    def add_message(self, session_id: str, role: str, content: str, *, user_id: str = LOCAL_USER_ID,
                    **kwargs: Any) -> int:
        return self.for_user(user_id).add_message(session_id, role, content, **kwargs)

    def list_messages(self, session_id: str, kind: str | None = None, *,
                      user_id: str = LOCAL_USER_ID) -> list[dict[str, Any]]:
        return self.for_user(user_id).list_messages(session_id, kind)

    def save_artifact(self, session_id: str, kind: str, data: dict, *, user_id: str = LOCAL_USER_ID) -> int:
        return self.for_user(user_id).save_artifact(session_id, kind, data)

    def get_artifacts(self, session_id: str, kind: str | None = None, *,
                      user_id: str = LOCAL_USER_ID) -> list[dict[str, Any]]:
        return self.for_user(user_id).list_artifacts(session_id, kind)

    def get_mentor(self, mentor_id: int, *, user_id: str = LOCAL_USER_ID) -> dict[str, Any] | None:
        return self.for_user(user_id).get_mentor(mentor_id)

    def update_mentor(self, mentor_id: int, *, user_id: str = LOCAL_USER_ID, **values: Any) -> None:
        self.for_user(user_id).update_mentor(mentor_id, **values)

    def delete_mentor(self, mentor_id: int, *, user_id: str = LOCAL_USER_ID) -> bool:
        return self.for_user(user_id).delete_mentor(mentor_id)

    def add_meeting(self, mentor_id: int, date: str, *, user_id: str = LOCAL_USER_ID, **kwargs: str) -> int:
        return self.for_user(user_id).add_meeting(mentor_id, date, **kwargs)

    def update_meeting(self, meeting_id: int, *, user_id: str = LOCAL_USER_ID, **values: str) -> None:
        self.for_user(user_id).update_meeting(meeting_id, **values)

    def list_meetings(self, mentor_id: int, *, user_id: str = LOCAL_USER_ID) -> list[dict[str, Any]]:
        return self.for_user(user_id).list_meetings(mentor_id)

    def delete_meeting(self, meeting_id: int, *, user_id: str = LOCAL_USER_ID) -> bool:
        return self.for_user(user_id).delete_meeting(meeting_id)

    def remove_kept_question(self, question_id: int, *, user_id: str = LOCAL_USER_ID) -> bool:
        return self.for_user(user_id).remove_kept_question(question_id)
