"""Logging that never records API keys, and records message text only in debug mode."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(r"(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+[A-Za-z0-9._\-]+|api[_-]?key=\S+)", re.IGNORECASE)
# The password in a URL such as postgresql+psycopg://user:password@host/db (MENTORPREP_DB on a server).
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^/\s:@]+:)[^@\s/]+(?=@)", re.IGNORECASE)


class RedactSecrets(logging.Filter):
    """Mask anything that looks like a key in every record, whatever logger produced it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _URL_PASSWORD.sub(r"\g<head>[secret]", _SECRET.sub("[secret]", message))
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(settings) -> None:
    """Set up root logging once: INFO normally, DEBUG (with message text) when MENTORPREP_DEBUG=1."""
    root = logging.getLogger()
    if any(isinstance(f, RedactSecrets) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if settings.debug else logging.WARNING)
    # HTTP client libraries log request details (URLs, headers) at DEBUG/INFO; keep them quiet.
    for noisy in ("httpx", "httpcore", "openai", "urllib3", "chromadb", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if settings.debug else logging.WARNING)


def text_for_log(text: str, debug: bool) -> str:
    """What a log line may say about user text: the text itself only in debug mode."""
    return text if debug else f"<{len(text)} chars>"
