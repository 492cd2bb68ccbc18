"""A per-user limit on chat turns, so one person cannot take every model slot on a shared server.

A sliding window: a user may start at most ``limit`` turns in any ``window`` seconds. Refused turns are not
counted, so waiting the time the message names always works. One :class:`RateLimiter` is shared by every
session of the app (build it once, like the model); it is thread-safe.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from agent.core.errors import ConfigError

DEFAULT_RATE_LIMIT = "30/min"
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
_SPEC = re.compile(r"^\s*(?P<count>\d+)\s*(?:(?:/|per)\s*(?P<n>\d+)?\s*(?P<unit>[a-z]+?)s?)?\s*$", re.I)
_OFF = {"0", "off", "none", "unlimited", "no"}


def parse_rate_limit(spec: str) -> tuple[int, float] | None:
    """``"30/min"`` -> (30, 60.0); ``"5/10s"`` -> (5, 10.0); a bare number is per minute; ``0``/``off`` -> None.

    Raises:
        ConfigError: the text is not a rate; the message shows the accepted forms.
    """
    raw = str(spec or "").strip().lower()
    if raw in _OFF:
        return None
    match = _SPEC.match(raw)
    unit = (match.group("unit") or "min").lower() if match else ""
    if not match or unit not in _UNITS:
        raise ConfigError(f"MENTORPREP_RATE_LIMIT={spec!r} is not a rate. Write turns per time, e.g. 30/min, "
                          "5/10s or 600/hour, or 0 to turn the limit off.")
    count, window = int(match.group("count")), int(match.group("n") or 1) * _UNITS[unit]
    if count == 0:
        return None
    if window <= 0:
        raise ConfigError(f"MENTORPREP_RATE_LIMIT={spec!r} needs a time window longer than zero, e.g. 30/min.")
    return count, float(window)


@dataclass(frozen=True)
class RateDecision:
    """Whether a turn may go ahead; when not, how long to wait and what to tell the user."""

    allowed: bool
    retry_after: float = 0.0

    @property
    def message(self) -> str:
        """A sentence for the chat ("" when allowed)."""
        if self.allowed:
            return ""
        seconds = max(1, math.ceil(self.retry_after))
        when = f"{seconds} second{'s' if seconds != 1 else ''}"
        if seconds >= 90:
            minutes = math.ceil(seconds / 60)
            when = f"about {minutes} minutes" if minutes < 90 else f"about {math.ceil(minutes / 60)} hours"
        return (f"You're sending messages faster than MentorPrep can answer; try again in {when}. "
                "Your message is kept.")


class RateLimiter:
    """At most ``limit`` turns per user in any ``window`` seconds.

    Example:
        ``decision = limiter.check(user.id)``; when ``not decision.allowed``, show ``decision.message``, keep the
        draft in the input box and do not run the turn.
    """

    def __init__(self, limit: int | None, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = float(window)
        self._clock = clock
        self._turns: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_spec(cls, spec: str, clock: Callable[[], float] = time.monotonic) -> RateLimiter:
        """Build from text such as ``"30/min"`` (see :func:`parse_rate_limit`)."""
        parsed = parse_rate_limit(spec)
        return cls(None, clock=clock) if parsed is None else cls(parsed[0], parsed[1], clock=clock)

    @classmethod
    def from_settings(cls, settings) -> RateLimiter:
        """Build from ``settings.rate_limit`` (``MENTORPREP_RATE_LIMIT``)."""
        return cls.from_spec(getattr(settings, "rate_limit", DEFAULT_RATE_LIMIT))

    @property
    def enabled(self) -> bool:
        return self.limit is not None

    def check(self, user_id: str) -> RateDecision:
        """Count a turn for ``user_id`` if the limit allows it; otherwise refuse without counting it."""
        if self.limit is None:
            return RateDecision(True)
        now = self._clock()
        with self._lock:
            turns = self._turns.setdefault(user_id, deque())
            while turns and turns[0] <= now - self.window:
                turns.popleft()
            if len(turns) >= self.limit:
                return RateDecision(False, retry_after=turns[0] + self.window - now)
            turns.append(now)
            self._forget_idle(now)
            return RateDecision(True)

    def forget(self, user_id: str) -> None:
        """Drop what is remembered about ``user_id`` (part of "Delete everything about me")."""
        with self._lock:
            self._turns.pop(user_id, None)

    def _forget_idle(self, now: float) -> None:
        # Keep memory bounded on a long-running server: drop users with no turn inside the window.
        if len(self._turns) > 1024:
            for user in [u for u, t in self._turns.items() if not t or t[-1] <= now - self.window]:
                del self._turns[user]
