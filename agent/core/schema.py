"""The tables MentorPrep keeps, and how each row belongs to a user.

Every row is owned by one user: directly (``user_id`` on profiles, sessions, mentors and kept questions) or
through its parent (messages and artifacts through their session, meetings through their mentor).
:data:`OWNERSHIP` says which, so scoped reads, export and "delete everything about me" cover every table; a
test fails when a table is added without an entry here.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    inspect,
    text,
)
from sqlalchemy.engine import Connection

metadata = MetaData()
USER_ID_LENGTH = 255  # an OpenID Connect subject may be up to 255 characters


def now() -> datetime:
    """The current UTC time without a zone, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


profiles = Table(
    "profiles", metadata,
    Column("user_id", String(USER_ID_LENGTH), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("career_stage", String(40), nullable=False, default=""),
    Column("specialty", String(200), nullable=False, default=""),
    Column("goals", Text, nullable=False, default=""),
    Column("interests", Text, nullable=False, default=""),
    Column("updated_at", DateTime, nullable=False, default=now),
)
sessions = Table(
    "sessions", metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(USER_ID_LENGTH), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("mode", String(40), nullable=False, default="chat"),
    Column("created_at", DateTime, nullable=False, default=now),
    Column("updated_at", DateTime, nullable=False, default=now),
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
    Column("created_at", DateTime, nullable=False, default=now),
)
artifacts = Table(
    "artifacts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("data", JSON, nullable=False),
    Column("edited", Boolean, nullable=False, default=False),  # the user changed it after it was made
    Column("created_at", DateTime, nullable=False, default=now),
    Column("updated_at", DateTime, nullable=True, default=now),
)
mentors = Table(
    "mentors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(USER_ID_LENGTH), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("specialty", String(200), nullable=False, default=""),
    Column("setting", String(20), nullable=False, default="other"),
    Column("role_estimate", JSON, nullable=True),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False, default=now),
    Column("updated_at", DateTime, nullable=False, default=now),
)
meetings = Table(
    "meetings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mentor_id", Integer, ForeignKey("mentors.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("date", String(10), nullable=False),
    Column("goal", Text, nullable=False, default=""),
    Column("log", Text, nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False, default=now),
)
kept_questions = Table(
    "kept_questions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(USER_ID_LENGTH), nullable=False, index=True),
    Column("mentor_id", Integer, ForeignKey("mentors.id", ondelete="SET NULL"), nullable=True),
    Column("text", Text, nullable=False),
    Column("verdict", String(20), nullable=False, default="strong"),
    Column("score", Float, nullable=False, default=0.0),
    Column("created_at", DateTime, nullable=False, default=now),
)

# table name -> how its rows reach a user: "user_id" (own column) or (parent table, foreign-key column).
OWNERSHIP: dict[str, str | tuple[str, str]] = {
    "profiles": "user_id",
    "sessions": "user_id",
    "messages": ("sessions", "session_id"),
    "artifacts": ("sessions", "session_id"),
    "mentors": "user_id",
    "meetings": ("mentors", "mentor_id"),
    "kept_questions": "user_id",
}
# Children first, so deleting in this order never trips a foreign key.
DELETE_ORDER = ("messages", "artifacts", "meetings", "kept_questions", "sessions", "mentors", "profiles")

# Columns added after the first release: created on databases made before them (no data is rewritten).
_ADDED_COLUMNS = {
    "artifacts": (("edited", "BOOLEAN NOT NULL DEFAULT FALSE"), ("updated_at", "TIMESTAMP")),
}


def upgrade(conn: Connection) -> None:
    """Create missing tables and add the columns later releases introduced, in the caller's transaction."""
    metadata.create_all(conn)
    inspector = inspect(conn)
    for table, columns in _ADDED_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for name, ddl in columns:
            if name not in present:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))
