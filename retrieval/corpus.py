"""Load the knowledge base: Markdown files with YAML front matter, chunked by `##` / `###` heading."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from agent.core import ROLES, STAGES, ConfigError

TOPICS: tuple[str, ...] = (
    "why-mentorship-matters",
    "finding-a-mentor",
    "multiple-mentors",
    "mentor-roles",
    "reading-the-room",
    "setting-expectations",
    "preparing-for-a-meeting",
    "question-quality",
    "questions-for-sponsors-connectors",
    "questions-for-mentors",
    "strategic-career-questions",
    "workplace-questions",
    "decision-points",
    "meeting-etiquette",
    "follow-up",
)

# MiniLM reads at most 256 word pieces; longer sections are split on paragraph boundaries.
MAX_CHUNK_WORDS = 180

_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*#*\s*$")
_TOPIC_OVERRIDE = re.compile(r"^<!--\s*topic:\s*([\w-]+)\s*-->$")


class CorpusError(ConfigError):
    """A knowledge file is malformed; the message names the file and what to fix."""


@dataclass(frozen=True)
class Chunk:
    """One searchable piece of a knowledge document (a section, subsection or intro).

    Attributes:
        id: stable id, ``<source_path>#<heading-slug>`` (plus ``~n`` for split parts).
        text: the section body (Markdown, without the heading line).
        title: the document title.
        heading: heading path, e.g. ``"Section > Subsection"``; empty for the intro.
        topic: effective topic (section override, else the document topic).
        source_path: path relative to the knowledge folder's parent, e.g. ``knowledge/x.md``.
        roles / stages / sources: from the document's front matter.
    """

    id: str
    text: str
    title: str
    heading: str
    topic: str
    source_path: str
    roles: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=())

    @property
    def search_text(self) -> str:
        """What gets embedded and keyword-indexed: title and heading give short queries something to hit."""
        head = f"{self.title}: {self.heading}" if self.heading else self.title
        return f"{head}.\n{self.text}"

    @property
    def content_hash(self) -> str:
        """Changes whenever anything stored for this chunk changes."""
        parts = [self.search_text, self.topic, "|".join(self.roles), "|".join(self.stages),
                 "|".join(self.sources), self.source_path]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def load_chunks(knowledge_dir: str | Path) -> list[Chunk]:
    """Parse every ``*.md`` file in ``knowledge_dir`` (sorted by name) into chunks.

    Raises:
        CorpusError: the folder is missing, or a file has bad front matter or an unknown topic/role/stage.
    """
    folder = Path(knowledge_dir)
    if not folder.is_dir():
        raise CorpusError(f"Knowledge folder {folder} does not exist - set MENTORPREP_KNOWLEDGE to it.")
    chunks: list[Chunk] = []
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        chunks.extend(parse_document(path.read_text(encoding="utf-8"), f"{folder.name}/{path.name}"))
    return chunks


def parse_document(text: str, source_path: str) -> list[Chunk]:
    """Split one knowledge document into chunks; ``source_path`` is used in ids and error messages."""
    meta, body = _front_matter(text, source_path)
    title, doc_topic = meta["title"], meta["topic"]
    common = {"title": title, "source_path": source_path, "roles": meta["roles"],
              "stages": meta["stages"], "sources": meta["sources"]}
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}

    def emit(heading: str, topic: str, lines: list[str]) -> None:
        body_text = "\n".join(lines).strip()
        if not body_text:
            return
        slug = _slug(heading) or "intro"
        seen[slug] = seen.get(slug, 0) + 1
        if seen[slug] > 1:
            slug = f"{slug}-{seen[slug]}"
        parts = _split_long(body_text)
        for i, part in enumerate(parts):
            suffix = f"~{i + 1}" if len(parts) > 1 else ""
            chunks.append(Chunk(id=f"{source_path}#{slug}{suffix}", text=part, heading=heading,
                                topic=topic, **common))

    section = sub = ""
    section_topic = topic = doc_topic
    lines: list[str] = []
    expect_override = False
    for lineno, line in enumerate(body.splitlines(), start=1):
        stripped = line.strip()
        override = _TOPIC_OVERRIDE.match(stripped)
        if override:
            if not expect_override:
                raise CorpusError(f"{source_path}: a topic comment must sit directly under a heading "
                                  f"(body line {lineno}).")
            topic = _check_topic(override.group(1), source_path, f"section {sub or section!r}")
            if not sub:
                section_topic = topic
            expect_override = False
            continue
        heading = _HEADING.match(line)
        if heading:
            emit(_path(section, sub), topic, lines)
            lines = []
            if heading.group(1) == "##":
                section, sub = heading.group(2).strip(), ""
                section_topic = topic = doc_topic
            else:
                sub = heading.group(2).strip()
                topic = section_topic
            expect_override = True
            continue
        if stripped:
            expect_override = False
        lines.append(line)
    emit(_path(section, sub), topic, lines)
    if not chunks:
        raise CorpusError(f"{source_path}: the document has no text below its front matter.")
    return chunks


def _front_matter(text: str, source_path: str) -> tuple[dict, str]:
    match = re.match(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", text, flags=re.S)
    if not match:
        raise CorpusError(f"{source_path}: the file must start with YAML front matter between '---' lines.")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(f"{source_path}: the front matter is not valid YAML ({exc}).") from None
    if not isinstance(meta, dict):
        raise CorpusError(f"{source_path}: the front matter must be a mapping of keys to values.")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CorpusError(f"{source_path}: front matter needs a non-empty 'title'.")
    if "topic" not in meta:
        raise CorpusError(f"{source_path}: front matter needs a 'topic' (one of: {', '.join(TOPICS)}).")
    clean = {
        "title": title.strip(),
        "topic": _check_topic(meta["topic"], source_path, "front matter"),
        "roles": _check_list(meta.get("roles"), ROLES, "roles", source_path),
        "stages": _check_list(meta.get("stages"), STAGES, "stages", source_path),
        "sources": _check_list(meta.get("sources"), None, "sources", source_path),
    }
    return clean, text[match.end():]


def _check_topic(value: object, source_path: str, where: str) -> str:
    if value not in TOPICS:
        raise CorpusError(f"{source_path}: unknown topic {value!r} in {where}; "
                          f"use one of: {', '.join(TOPICS)}.")
    return str(value)


def _check_list(value: object, allowed: tuple[str, ...] | None, key: str,
                source_path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CorpusError(f"{source_path}: '{key}' must be a list of strings.")
    items = tuple(v.strip() for v in value if v.strip())
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise CorpusError(f"{source_path}: unknown {key} {bad}; use some of: {', '.join(allowed)}.")
    return items


def _path(section: str, sub: str) -> str:
    return f"{section} > {sub}" if section and sub else section


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _split_long(text: str) -> list[str]:
    """Split on paragraphs, or on sentences for one long paragraph, into pieces of about equal size."""
    if len(text.split()) <= MAX_CHUNK_WORDS:
        return [text]
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paras) == 1:
        return _pack(re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", paras[0]), " ")
    return _pack(paras, "\n\n")


def _pack(pieces: list[str], glue: str) -> list[str]:
    """Greedily join pieces into groups of at most MAX_CHUNK_WORDS words, balancing the group sizes."""
    total = sum(len(p.split()) for p in pieces)
    groups = -(-total // MAX_CHUNK_WORDS)
    target = total / groups
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for piece in pieces:
        words = len(piece.split())
        if current and (count + words > MAX_CHUNK_WORDS or count >= target):
            parts.append(glue.join(current))
            current, count = [], 0
        current.append(piece)
        count += words
    if current:
        parts.append(glue.join(current))
    return parts
