"""One user's view of the store: every read and write is limited to that user's rows.

Get one with ``Store.for_user(user_id)``. An id that belongs to someone else behaves exactly like an id that
does not exist: reads return ``None`` (or an empty list), updates raise :class:`NotFound`, deletes do nothing.
Nothing about another user's rows - not even whether an id exists - can be learned through this object.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from agent.core.errors import InputError
from agent.core.schema import (
    DELETE_ORDER,
    OWNERSHIP,
    artifacts,
    kept_questions,
    meetings,
    mentors,
    messages,
    metadata,
    now,
    profiles,
    sessions,
)

SETTINGS_KINDS = ("clinical", "research", "academic", "other")
PROFILE_FIELDS = ("name", "career_stage", "specialty", "goals", "interests")
MENTOR_FIELDS = ("name", "specialty", "setting", "role_estimate", "notes")
MEETING_FIELDS = ("date", "goal", "log", "note")
MESSAGE_ROLES = ("user", "assistant", "system", "persona", "coach")
# Artifact kinds the app saves with a session; any short lower-case name is accepted, these are the usual ones.
ARTIFACT_KINDS = ("conversation_state", "follow_up", "prep_sheet", "sharpen", "read_room", "rehearsal_state",
                  "rehearsal_debrief")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

Forget = Callable[[str], None]


class NotFound(InputError):
    """The id names nothing this user owns (it never existed, was deleted, or is someone else's)."""


def _row(row) -> dict[str, Any] | None:
    return dict(row._mapping) if row is not None else None


def _int_id(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"That {what} doesn't exist here.") from None


class UserStore:
    """Sessions, messages, artifacts, profile, mentors, meetings and kept questions of one user.

    Thread-safe: each call opens its own connection and commits before returning.
    """

    def __init__(self, engine: Engine, user_id: str) -> None:
        if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > 255:
            raise InputError("A user id is a non-empty string of at most 255 characters.")
        self._engine = engine
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"UserStore(user_id={self.user_id!r})"

    # ---- ownership ------------------------------------------------------------------------------
    def _owned(self, table: Table) -> ColumnElement[bool]:
        """The WHERE clause selecting this user's rows of ``table``."""
        owner = OWNERSHIP[table.name]
        if owner == "user_id":
            return table.c.user_id == self.user_id
        parent_name, column = owner
        parent = metadata.tables[parent_name]
        return table.c[column].in_(select(parent.c.id).where(self._owned(parent)))

    def _require(self, c: Connection, table: Table, row_id: Any, what: str) -> None:
        if c.execute(select(table.c.id).where(table.c.id == row_id, self._owned(table))).first() is None:
            raise NotFound(f"That {what} doesn't exist here (it may have been deleted).")

    def _touch(self, c: Connection, session_id: str) -> None:
        c.execute(update(sessions).where(sessions.c.id == session_id).values(updated_at=now()))

    # ---- sessions -------------------------------------------------------------------------------
    def create_session(self, title: str = "New session", mode: str = "chat") -> str:
        """Create a session and return its id (a random UUID: ids cannot be guessed or enumerated)."""
        sid = str(uuid.uuid4())
        with self._engine.begin() as c:
            c.execute(insert(sessions).values(id=sid, user_id=self.user_id, title=_clean_title(title), mode=mode))
        return sid

    def get_session(self, session_id: str) -> dict[str, Any] | None:
        """The session row, or None when it is not this user's."""
        with self._engine.connect() as c:
            q = select(sessions).where(sessions.c.id == str(session_id), self._owned(sessions))
            return _row(c.execute(q).first())

    def list_sessions(self) -> list[dict[str, Any]]:
        """Sessions newest first, each with its message count."""
        count = select(func.count(messages.c.id)).where(messages.c.session_id == sessions.c.id).scalar_subquery()
        q = (select(sessions, count.label("message_count")).where(self._owned(sessions))
             .order_by(sessions.c.updated_at.desc(), sessions.c.created_at.desc()))
        with self._engine.connect() as c:
            return [_row(r) for r in c.execute(q)]

    def rename_session(self, session_id: str, title: str) -> None:
        """Rename a session; raises NotFound when it is not this user's."""
        with self._engine.begin() as c:
            res = c.execute(update(sessions).where(sessions.c.id == str(session_id), self._owned(sessions))
                            .values(title=_clean_title(title), updated_at=now()))
            if res.rowcount == 0:
                raise NotFound("That session doesn't exist here (it may have been deleted).")

    def delete_session(self, session_id: str) -> bool:
        """Delete a session with its messages and artifacts; False when there was nothing of this user's."""
        with self._engine.begin() as c:
            mine = select(sessions.c.id).where(sessions.c.id == str(session_id), self._owned(sessions))
            if c.execute(mine).first() is None:
                return False
            c.execute(delete(messages).where(messages.c.session_id == str(session_id)))
            c.execute(delete(artifacts).where(artifacts.c.session_id == str(session_id)))
            c.execute(delete(sessions).where(sessions.c.id == str(session_id)))
            return True

    # ---- messages -------------------------------------------------------------------------------
    def add_message(self, session_id: str, role: str, content: str, *, kind: str = "chat",
                    meta: dict | None = None, partial: bool = False) -> int:
        """Append a message to one of this user's sessions; committed before returning."""
        if role not in MESSAGE_ROLES:
            raise InputError(f"Unknown message role {role!r}.")
        with self._engine.begin() as c:
            self._require(c, sessions, str(session_id), "session")
            res = c.execute(insert(messages).values(session_id=str(session_id), role=role, content=content,
                                                    kind=kind, meta=_jsonable(meta), partial=partial))
            self._touch(c, str(session_id))
            return int(res.inserted_primary_key[0])

    def list_messages(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """A session's messages in order ([] when the session is not this user's)."""
        q = select(messages).where(messages.c.session_id == str(session_id), self._owned(messages))
        if kind:
            q = q.where(messages.c.kind == kind)
        with self._engine.connect() as c:
            return [_row(r) for r in c.execute(q.order_by(messages.c.id))]

    # ---- artifacts: structured results kept with a session (prep sheets, drafts, state) ----------
    def save_artifact(self, session_id: str, kind: str, data: dict) -> int:
        """Save a new artifact (a new version when one of this kind exists) and return its id."""
        _check_kind(kind)
        with self._engine.begin() as c:
            self._require(c, sessions, str(session_id), "session")
            res = c.execute(insert(artifacts).values(session_id=str(session_id), kind=kind, data=_jsonable(data),
                                                     edited=False, updated_at=now()))
            self._touch(c, str(session_id))
            return int(res.inserted_primary_key[0])

    def update_artifact(self, artifact_id: int, data: dict, *, edited: bool = True) -> dict[str, Any]:
        """Replace an artifact's data, e.g. a follow-up draft the user edited; returns the updated row.

        Args:
            artifact_id: from `save_artifact` or a listed row.
            data: the new data, stored whole.
            edited: mark the artifact as changed by the user (it stays marked once set).
        """
        aid = _int_id(artifact_id, "saved item")
        with self._engine.begin() as c:
            values: dict[str, Any] = {"data": _jsonable(data), "updated_at": now()}
            if edited:
                values["edited"] = True
            res = c.execute(update(artifacts).where(artifacts.c.id == aid, self._owned(artifacts)).values(**values))
            if res.rowcount == 0:
                raise NotFound("That saved item doesn't exist here (it may have been deleted).")
            row = _row(c.execute(select(artifacts).where(artifacts.c.id == aid)).first())
            self._touch(c, row["session_id"])
            return row

    def put_artifact(self, session_id: str, kind: str, data: dict) -> int:
        """Keep one artifact of ``kind`` per session (e.g. the conversation state): update it or create it."""
        _check_kind(kind)
        with self._engine.begin() as c:
            self._require(c, sessions, str(session_id), "session")
            latest = c.execute(select(artifacts.c.id).where(artifacts.c.session_id == str(session_id),
                                                            artifacts.c.kind == kind)
                               .order_by(artifacts.c.id.desc()).limit(1)).first()
            if latest is None:
                res = c.execute(insert(artifacts).values(session_id=str(session_id), kind=kind,
                                                         data=_jsonable(data), edited=False, updated_at=now()))
                aid = int(res.inserted_primary_key[0])
            else:
                aid = int(latest[0])
                c.execute(update(artifacts).where(artifacts.c.id == aid)
                          .values(data=_jsonable(data), updated_at=now()))
            self._touch(c, str(session_id))
            return aid

    def get_artifact(self, artifact_id: int) -> dict[str, Any] | None:
        """One artifact by id, or None when it is not this user's."""
        try:
            aid = _int_id(artifact_id, "saved item")
        except NotFound:
            return None
        with self._engine.connect() as c:
            return _row(c.execute(select(artifacts).where(artifacts.c.id == aid, self._owned(artifacts))).first())

    def latest_artifact(self, session_id: str, kind: str) -> dict[str, Any] | None:
        """The newest artifact of ``kind`` in a session, or None."""
        q = (select(artifacts).where(artifacts.c.session_id == str(session_id), artifacts.c.kind == kind,
                                     self._owned(artifacts))
             .order_by(artifacts.c.id.desc()).limit(1))
        with self._engine.connect() as c:
            return _row(c.execute(q).first())

    def list_artifacts(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        """A session's artifacts, oldest first ([] when the session is not this user's)."""
        q = select(artifacts).where(artifacts.c.session_id == str(session_id), self._owned(artifacts))
        if kind:
            q = q.where(artifacts.c.kind == kind)
        with self._engine.connect() as c:
            return [_row(r) for r in c.execute(q.order_by(artifacts.c.id))]

    get_artifacts = list_artifacts  # the name earlier releases used

    # ---- profile --------------------------------------------------------------------------------
    def get_profile(self) -> dict[str, str]:
        """The profile fields, empty strings when never saved."""
        with self._engine.connect() as c:
            row = c.execute(select(profiles).where(self._owned(profiles))).first()
        base = {f: "" for f in PROFILE_FIELDS}
        if row is not None:
            base.update({f: row._mapping[f] or "" for f in PROFILE_FIELDS})
        return base

    def save_profile(self, **values: str) -> dict[str, str]:
        """Merge ``values`` into the profile and return the whole profile."""
        unknown = set(values) - set(PROFILE_FIELDS)
        if unknown:
            raise InputError(f"Unknown profile field(s): {', '.join(sorted(unknown))}.")
        merged = self.get_profile() | {k: str(v or "").strip() for k, v in values.items()}
        with self._engine.begin() as c:
            if c.execute(select(profiles.c.user_id).where(self._owned(profiles))).first():
                c.execute(update(profiles).where(self._owned(profiles)).values(**merged, updated_at=now()))
            else:
                c.execute(insert(profiles).values(user_id=self.user_id, **merged))
        return merged

    # ---- mentors and meetings -------------------------------------------------------------------
    def add_mentor(self, name: str, *, specialty: str = "", setting: str = "other", notes: str = "",
                   role_estimate: dict | None = None) -> int:
        """Add a senior doctor to this user's mentoring team and return the id."""
        name = (name or "").strip()
        if not name:
            raise InputError("A mentor needs a name.")
        _check_setting(setting)
        with self._engine.begin() as c:
            res = c.execute(insert(mentors).values(user_id=self.user_id, name=name[:200], specialty=specialty.strip(),
                                                   setting=setting, notes=notes,
                                                   role_estimate=_jsonable(role_estimate)))
            return int(res.inserted_primary_key[0])

    def list_mentors(self) -> list[dict[str, Any]]:
        """This user's mentors by name."""
        with self._engine.connect() as c:
            return [_row(r) for r in c.execute(select(mentors).where(self._owned(mentors)).order_by(mentors.c.name))]

    def get_mentor(self, mentor_id: int) -> dict[str, Any] | None:
        """One mentor, or None when not this user's."""
        try:
            mid = _int_id(mentor_id, "mentor")
        except NotFound:
            return None
        with self._engine.connect() as c:
            return _row(c.execute(select(mentors).where(mentors.c.id == mid, self._owned(mentors))).first())

    def find_mentor(self, name: str) -> dict[str, Any] | None:
        """Case-insensitive lookup by name."""
        wanted = (name or "").strip().lower()
        return next((m for m in self.list_mentors() if m["name"].lower() == wanted), None)

    def update_mentor(self, mentor_id: int, **values: Any) -> None:
        """Change fields of a mentor (see ``MENTOR_FIELDS``); raises NotFound when not this user's."""
        unknown = set(values) - set(MENTOR_FIELDS)
        if unknown:
            raise InputError(f"Unknown mentor field(s): {', '.join(sorted(unknown))}.")
        if "setting" in values:
            _check_setting(values["setting"])
        if "role_estimate" in values:
            values["role_estimate"] = _jsonable(values["role_estimate"])
        mid = _int_id(mentor_id, "mentor")
        with self._engine.begin() as c:
            res = c.execute(update(mentors).where(mentors.c.id == mid, self._owned(mentors))
                            .values(**values, updated_at=now()))
            if res.rowcount == 0:
                raise NotFound("That mentor doesn't exist here (they may have been removed).")

    def delete_mentor(self, mentor_id: int) -> bool:
        """Remove a mentor and their meetings; their kept questions stay, unassigned."""
        mid = _int_id(mentor_id, "mentor")
        with self._engine.begin() as c:
            if c.execute(select(mentors.c.id).where(mentors.c.id == mid, self._owned(mentors))).first() is None:
                return False
            c.execute(delete(meetings).where(meetings.c.mentor_id == mid))
            c.execute(update(kept_questions).where(kept_questions.c.mentor_id == mid).values(mentor_id=None))
            c.execute(delete(mentors).where(mentors.c.id == mid))
            return True

    def add_meeting(self, mentor_id: int, date: str, *, goal: str = "", log: str = "", note: str = "") -> int:
        """Record a meeting (date as YYYY-MM-DD) with one of this user's mentors."""
        _check_date(date)
        mid = _int_id(mentor_id, "mentor")
        with self._engine.begin() as c:
            self._require(c, mentors, mid, "mentor")
            res = c.execute(insert(meetings).values(mentor_id=mid, date=date, goal=goal, log=log, note=note))
            return int(res.inserted_primary_key[0])

    def update_meeting(self, meeting_id: int, **values: str) -> None:
        """Change a meeting's date, goal, log or note; raises NotFound when not this user's."""
        unknown = set(values) - set(MEETING_FIELDS)
        if unknown:
            raise InputError(f"Unknown meeting field(s): {', '.join(sorted(unknown))}.")
        if "date" in values:
            _check_date(values["date"])
        mid = _int_id(meeting_id, "meeting")
        with self._engine.begin() as c:
            res = c.execute(update(meetings).where(meetings.c.id == mid, self._owned(meetings)).values(**values))
            if res.rowcount == 0:
                raise NotFound("That meeting doesn't exist here (it may have been deleted).")

    def list_meetings(self, mentor_id: int) -> list[dict[str, Any]]:
        """A mentor's meetings by date ([] when the mentor is not this user's)."""
        try:
            mid = _int_id(mentor_id, "mentor")
        except NotFound:
            return []
        q = select(meetings).where(meetings.c.mentor_id == mid, self._owned(meetings)).order_by(meetings.c.date)
        with self._engine.connect() as c:
            return [_row(r) for r in c.execute(q)]

    def delete_meeting(self, meeting_id: int) -> bool:
        """Delete a meeting; False when there was nothing of this user's."""
        mid = _int_id(meeting_id, "meeting")
        with self._engine.begin() as c:
            return c.execute(delete(meetings).where(meetings.c.id == mid, self._owned(meetings))).rowcount > 0

    # ---- kept questions -------------------------------------------------------------------------
    def keep_question(self, text: str, *, verdict: str = "strong", score: float = 0.0,
                      mentor_id: int | None = None) -> int:
        """Keep a question (optionally for one mentor); keeping the same text again returns the same id."""
        text = (text or "").strip()
        if not text:
            raise InputError("An empty question cannot be kept.")
        mid = None if mentor_id is None else _int_id(mentor_id, "mentor")
        existing = [q for q in self.list_kept_questions(mid) if q["text"] == text]
        if existing:
            return int(existing[0]["id"])
        with self._engine.begin() as c:
            if mid is not None:
                self._require(c, mentors, mid, "mentor")
            res = c.execute(insert(kept_questions).values(user_id=self.user_id, text=text, verdict=verdict,
                                                          score=float(score), mentor_id=mid))
            return int(res.inserted_primary_key[0])

    def list_kept_questions(self, mentor_id: int | None = None) -> list[dict[str, Any]]:
        """Kept questions, best first; with a mentor, that mentor's plus the unassigned ones."""
        q = select(kept_questions).where(self._owned(kept_questions))
        if mentor_id is not None:
            mid = _int_id(mentor_id, "mentor")
            q = q.where((kept_questions.c.mentor_id == mid) | kept_questions.c.mentor_id.is_(None))
        with self._engine.connect() as c:
            return [_row(r) for r in c.execute(q.order_by(kept_questions.c.score.desc(), kept_questions.c.id))]

    def remove_kept_question(self, question_id: int) -> bool:
        """Forget a kept question; False when there was nothing of this user's."""
        qid = _int_id(question_id, "question")
        with self._engine.begin() as c:
            res = c.execute(delete(kept_questions).where(kept_questions.c.id == qid, self._owned(kept_questions)))
            return res.rowcount > 0

    # ---- everything -----------------------------------------------------------------------------
    def export_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row this user owns, table by table (the basis of "Export everything")."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self._engine.connect() as c:
            for name in OWNERSHIP:
                table = metadata.tables[name]
                order = table.c.user_id if name == "profiles" else table.c.id
                out[name] = [_row(r) for r in c.execute(select(table).where(self._owned(table)).order_by(order))]
        return out

    def delete_everything(self, forget: Iterable[Forget] = ()) -> dict[str, int]:
        """Delete every row this user owns, in one transaction, and return how many per table.

        Args:
            forget: callbacks called with the user id before the deletion commits, to remove anything made
                from the user's text elsewhere (e.g. search-index entries). If one raises, nothing is deleted
                and the error propagates, so the request can simply be made again.
        """
        counts: dict[str, int] = {}
        with self._engine.begin() as c:
            for name in DELETE_ORDER:
                table = metadata.tables[name]
                counts[name] = int(c.execute(delete(table).where(self._owned(table))).rowcount or 0)
            for callback in forget:
                callback(self.user_id)
        return counts


def _clean_title(title: str) -> str:
    cleaned = " ".join((title or "").split())[:120]
    return cleaned or "Untitled session"


def _check_kind(kind: str) -> None:
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise InputError(f"An artifact kind is a short lower-case name such as 'prep_sheet', not {kind!r}.")


def _check_setting(setting: str) -> None:
    if setting not in SETTINGS_KINDS:
        raise InputError(f"Setting must be one of {', '.join(SETTINGS_KINDS)}, not {setting!r}.")


def _check_date(value: str) -> None:
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except (TypeError, ValueError):
        raise InputError(f"Dates are written YYYY-MM-DD, not {value!r}.") from None


def _jsonable(data: Any) -> Any:
    """Round-trip through JSON so only plain data is stored (dataclasses must be converted first)."""
    return None if data is None else json.loads(json.dumps(data, default=str))
