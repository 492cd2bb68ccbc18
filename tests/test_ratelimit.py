"""The per-user limit on chat turns: counted per person, thread-safe, and clear about when to try again."""

from __future__ import annotations

import threading

import pytest

from agent.core import ConfigError, RateLimiter, load_settings, parse_rate_limit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("spec", "expected"), [
    ("30/min", (30, 60.0)), ("30", (30, 60.0)), ("5/10s", (5, 10.0)), ("600 per hour", (600, 3600.0)),
    ("2/sec", (2, 1.0)), (" 12 / 2 minutes ", (12, 120.0)), ("0", None), ("off", None),
])
def test_rates_are_read_from_plain_text(spec, expected):
    assert parse_rate_limit(spec) == expected


@pytest.mark.parametrize("spec", ["fast", "30/fortnight", "-3/min", "30/0s"])
def test_a_bad_rate_says_how_to_write_one(spec):
    with pytest.raises(ConfigError, match="30/min"):
        parse_rate_limit(spec)


def test_the_setting_defaults_to_a_generous_limit_and_is_checked_at_start(monkeypatch):
    monkeypatch.delenv("MENTORPREP_RATE_LIMIT", raising=False)
    assert load_settings().rate_limit == "30/min"
    monkeypatch.setenv("MENTORPREP_RATE_LIMIT", "10/min")
    assert RateLimiter.from_settings(load_settings()).limit == 10
    monkeypatch.setenv("MENTORPREP_RATE_LIMIT", "lots")
    with pytest.raises(ConfigError, match="MENTORPREP_RATE_LIMIT"):
        load_settings()


def test_each_user_has_their_own_window_and_refusals_say_when_to_retry():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    assert all(limiter.check("ana").allowed for _ in range(3))
    assert limiter.check("ben").allowed  # someone else is not slowed down by Ana
    clock.now += 48
    refused = limiter.check("ana")
    assert not refused.allowed and refused.retry_after == pytest.approx(12)
    assert refused.message == ("You're sending messages faster than MentorPrep can answer; try again in "
                               "12 seconds. Your message is kept.")
    clock.now += 11.5
    assert not limiter.check("ana").allowed  # refused turns are not counted, but the window has not moved yet
    clock.now += 0.5
    assert limiter.check("ana").allowed and limiter.check("ana").message == ""


def test_the_limit_can_be_turned_off():
    limiter = RateLimiter.from_spec("0")
    assert not limiter.enabled and all(limiter.check("ana").allowed for _ in range(1000))


def test_threads_racing_for_the_last_turns_never_exceed_the_limit():
    limiter = RateLimiter(25, 60)
    go = threading.Barrier(10)
    allowed = []

    def burst() -> None:
        go.wait(timeout=30)
        allowed.extend(limiter.check("shared").allowed for _ in range(10))

    threads = [threading.Thread(target=burst) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 25 and len(allowed) == 100
