"""Persistence: sessions, messages, artifacts, profile, mentors, meetings and kept questions.

SQLAlchemy Core over SQLite by default (``MENTORPREP_DB`` may be any SQLAlchemy URL, e.g. PostgreSQL).
Every write is its own transaction, so a committed message survives a crash of the app.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from agent.core.errors import InputError

metadata = MetaData()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


profiles = Table(
    "profiles", metadata,
    Column("user_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("career_stage", String(40), nullable=False, default=""),
    Column("specialty", String(200), nullable=False, default=""),
    Column("goals", Text, nullable=False, default=""),
    Column("interests", Text, nullable=False, default=""),
    Column("updated_at", DateTime, nullable=False, default=_now),
)
sessions = Table(
    "sessions", metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("mode", String(40), nullable=False, default="chat"),
    Column("created_at", DateTime, nullable=False, default=_now),
    Column("updated_at", DateTime, nullable=False, default=_now),
)
messages = Table(
    "messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("content", Text, nullable=False),
    Column("kind", String(40), nullable=False, default="chat"),
    Column("meta", JSON, nullable=True),
    Column("partial", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False, default=_now),
)
artifacts = Table(
    "artifacts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False, default=_now),
)
mentors = Table(
    "mentors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("specialty", String(200), nullable=False, default=""),
    Column("setting", String(20), nullable=False, default="other"),
    Column("role_estimate", JSON, nullable=True),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False, default=_now),
    Column("updated_at", DateTime, nullable=False, default=_now),
)
meetings = Table(
    "meetings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mentor_id", Integer, ForeignKey("mentors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("date", String(10), nullable=False),
    Column("goal", Text, nullable=False, default=""),
    Column("log", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False, default=_now),
)
kept_questions = Table(
    "kept_questions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("mentor_id", Integer, ForeignKey("mentors.id", ondelete="SET NULL"), nullable=True),
    Column("text", Text, nullable=False),
    Column("verdict", String(20), nullable=False, default="strong"),
    Column("score", Float, nullable=False, default=0.0),
    Column("created_at", DateTime, nullable=False, default=_now),
)

SETTINGS_KINDS = ("clinical", "research", "academic", "other")
PROFILE_FIELDS = ("name", "career_stage", "specialty", "goals", "interests")
MENTOR_FIELDS = ("name", "specialty", "setting", "role_estimate", "notes")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _row(row) -> dict[str, Any]:
    return dict(row._mapping) if row is not None else None


class Store:
    """All persistence behind one object; thread-safe (each call uses its own connection)."""

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        metadata.create_all(self.engine)

    # ---- sessions -------------------------------------------------------------------------
    def create_session(self, user_id: str, title: str = "New session", mode: str = "chat") -> str:
        """Create a session and return its id."""
        sid = str(uuid.uuid4())
        with self.engine.begin() as c:
            c.execute(insert(sessions).values(id=sid, user_id=user_id, title=_clean_title(title), mode=mode))
        return sid

    def get_session(self, session_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            return _row(c.execute(select(sessions).where(sessions.c.id == session_id)).first())

    def list_sessions(self, user_id: str) -> list[dict[str, Any]]:
        """Sessions newest first, each with its message count."""
        count = (
            select(func.count(messages.c.id)).where(messages.c.session_id == sessions.c.id).scalar_subquery()
        )
        q = (select(sessions, count.label("message_count")).where(sessions.c.user_id == user_id)
             .order_by(sessions.c.updated_at.desc(), sessions.c.created_at.desc()))
        with self.engine.connect() as c:
            return [_row(r) for r in c.execute(q)]

    def rename_session(self, session_id: str, title: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(sessions).where(sessions.c.id == session_id)
                      .values(title=_clean_title(title), updated_at=_now()))

    def delete_session(self, session_id: str) -> None:
        with self.engine.begin() as c:
            c.execute(delete(messages).where(messages.c.session_id == session_id))
            c.execute(delete(artifacts).where(artifacts.c.session_id == session_id))
            c.execute(delete(sessions).where(sessions.c.id == session_id))

    # ---- messages -------------------------------------------------------------------------
    def add_message(self, session_id: str, role: str, content: str, *, kind: str = "chat",
                    meta: dict | None = None, partial: bool = False) -> int:
        """Append a message; committed before returning."""
        if role not in {"user", "assistant", "system", "persona", "coach"}:
            raise InputError(f"Unknown message role {role!r}.")
        with self.engine.begin() as c:
            res = c.execute(insert(messages).values(
                session_id=session_id, role=role, content=content, kind=kind,
                meta=_jsonable(meta), partial=partial))
            c.execute(update(sessions).where(sessions.c.id == session_id).values(updated_at=_now()))
            return int(res.inserted_primary_key[0])

    def list_messages(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        q = select(messages).where(messages.c.session_id == session_id)
        if kind:
            q = q.where(messages.c.kind == kind)
        with self.engine.connect() as c:
            return [_row(r) for r in c.execute(q.order_by(messages.c.id))]

    # ---- artifacts (structured results saved with a session) ------------------------------
    def save_artifact(self, session_id: str, kind: str, data: dict) -> int:
        with self.engine.begin() as c:
            res = c.execute(insert(artifacts).values(session_id=session_id, kind=kind, data=_jsonable(data)))
            c.execute(update(sessions).where(sessions.c.id == session_id).values(updated_at=_now()))
            return int(res.inserted_primary_key[0])

    def get_artifacts(self, session_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        q = select(artifacts).where(artifacts.c.session_id == session_id)
        if kind:
            q = q.where(artifacts.c.kind == kind)
        with self.engine.connect() as c:
            return [_row(r) for r in c.execute(q.order_by(artifacts.c.id))]

    # ---- profile --------------------------------------------------------------------------
    def get_profile(self, user_id: str) -> dict[str, str]:
        with self.engine.connect() as c:
            row = c.execute(select(profiles).where(profiles.c.user_id == user_id)).first()
        base = {f: "" for f in PROFILE_FIELDS}
        if row is not None:
            base.update({f: row._mapping[f] or "" for f in PROFILE_FIELDS})
        return base

    def save_profile(self, user_id: str, **values: str) -> dict[str, str]:
        unknown = set(values) - set(PROFILE_FIELDS)
        if unknown:
            raise InputError(f"Unknown profile field(s): {', '.join(sorted(unknown))}.")
        merged = self.get_profile(user_id) | {k: str(v or "").strip() for k, v in values.items()}
        with self.engine.begin() as c:
            if c.execute(select(profiles.c.user_id).where(profiles.c.user_id == user_id)).first():
                c.execute(update(profiles).where(profiles.c.user_id == user_id).values(**merged, updated_at=_now()))
            else:
                c.execute(insert(profiles).values(user_id=user_id, **merged))
        return merged

    # ---- mentors and meetings -------------------------------------------------------------
    def add_mentor(self, user_id: str, name: str, *, specialty: str = "", setting: str = "other",
                   notes: str = "", role_estimate: dict | None = None) -> int:
        name = (name or "").strip()
        if not name:
            raise InputError("A mentor needs a name.")
        _check_setting(setting)
        with self.engine.begin() as c:
            res = c.execute(insert(mentors).values(user_id=user_id, name=name[:200], specialty=specialty.strip(),
                                                   setting=setting, notes=notes,
                                                   role_estimate=_jsonable(role_estimate)))
            return int(res.inserted_primary_key[0])

    def list_mentors(self, user_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(select(mentors).where(mentors.c.user_id == user_id).order_by(mentors.c.name))
            return [_row(r) for r in rows]

    def get_mentor(self, mentor_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            return _row(c.execute(select(mentors).where(mentors.c.id == mentor_id)).first())

    def find_mentor(self, user_id: str, name: str) -> dict[str, Any] | None:
        """Case-insensitive lookup by name."""
        wanted = name.strip().lower()
        return next((m for m in self.list_mentors(user_id) if m["name"].lower() == wanted), None)

    def update_mentor(self, mentor_id: int, **values: Any) -> None:
        unknown = set(values) - set(MENTOR_FIELDS)
        if unknown:
            raise InputError(f"Unknown mentor field(s): {', '.join(sorted(unknown))}.")
        if "setting" in values:
            _check_setting(values["setting"])
        if "role_estimate" in values:
            values["role_estimate"] = _jsonable(values["role_estimate"])
        with self.engine.begin() as c:
            c.execute(update(mentors).where(mentors.c.id == mentor_id).values(**values, updated_at=_now()))

    def delete_mentor(self, mentor_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(delete(meetings).where(meetings.c.mentor_id == mentor_id))
            c.execute(update(kept_questions).where(kept_questions.c.mentor_id == mentor_id).values(mentor_id=None))
            c.execute(delete(mentors).where(mentors.c.id == mentor_id))

    def add_meeting(self, mentor_id: int, date: str, *, goal: str = "", log: str = "", note: str = "") -> int:
        _check_date(date)
        with self.engine.begin() as c:
            res = c.execute(insert(meetings).values(mentor_id=mentor_id, date=date, goal=goal, log=log, note=note))
            return int(res.inserted_primary_key[0])

    def update_meeting(self, meeting_id: int, **values: str) -> None:
        if "date" in values:
            _check_date(values["date"])
        with self.engine.begin() as c:
            c.execute(update(meetings).where(meetings.c.id == meeting_id).values(**values))

    def list_meetings(self, mentor_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(select(meetings).where(meetings.c.mentor_id == mentor_id).order_by(meetings.c.date))
            return [_row(r) for r in rows]

    def delete_meeting(self, meeting_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(delete(meetings).where(meetings.c.id == meeting_id))

    # ---- kept questions -------------------------------------------------------------------
    def keep_question(self, user_id: str, text: str, *, verdict: str = "strong", score: float = 0.0,
                      mentor_id: int | None = None) -> int:
        text = (text or "").strip()
        if not text:
            raise InputError("An empty question cannot be kept.")
        existing = [q for q in self.list_kept_questions(user_id, mentor_id) if q["text"] == text]
        if existing:
            return int(existing[0]["id"])
        with self.engine.begin() as c:
            res = c.execute(insert(kept_questions).values(user_id=user_id, text=text, verdict=verdict,
                                                          score=float(score), mentor_id=mentor_id))
            return int(res.inserted_primary_key[0])

    def list_kept_questions(self, user_id: str, mentor_id: int | None = None) -> list[dict[str, Any]]:
        """Kept questions; with a mentor, that mentor's plus the unassigned ones."""
        q = select(kept_questions).where(kept_questions.c.user_id == user_id)
        if mentor_id is not None:
            q = q.where((kept_questions.c.mentor_id == mentor_id) | kept_questions.c.mentor_id.is_(None))
        with self.engine.connect() as c:
            return [_row(r) for r in c.execute(q.order_by(kept_questions.c.score.desc(), kept_questions.c.id))]

    def remove_kept_question(self, question_id: int) -> None:
        with self.engine.begin() as c:
            c.execute(delete(kept_questions).where(kept_questions.c.id == question_id))


def _clean_title(title: str) -> str:
    cleaned = " ".join((title or "").split())[:120]
    return cleaned or "Untitled session"


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
