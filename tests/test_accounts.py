"""Who the user is: the local user without sign-in, the signed-in person's OpenID subject with it."""

from __future__ import annotations

import pytest

from agent.core import (
    LOCAL_USER,
    ConfigError,
    User,
    auth_configured,
    auth_providers,
    current_user,
    user_from_claims,
)

AUTH = {"redirect_uri": "https://mentorprep.example.org/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "mentorprep", "client_secret": "not-a-real-secret",
        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration"}


class NoSecretsFile(FileNotFoundError):
    """What Streamlit raises when there is no secrets.toml at all."""

    error_id = "no-secrets-found"


class BrokenSecrets(dict):
    def get(self, key, default=None):
        error = FileNotFoundError("secrets.toml could not be parsed")
        error.error_id = "secrets-parse-error"
        raise error


class MissingSecrets(dict):
    def get(self, key, default=None):
        raise NoSecretsFile("No secrets found.")


def test_without_an_auth_section_everyone_is_the_local_user():
    for secrets in (None, {}, {"other": {"x": 1}}, MissingSecrets()):
        assert auth_configured(secrets) is False
        assert current_user(secrets, None) == LOCAL_USER
    assert LOCAL_USER.id == "local" and LOCAL_USER.is_local and LOCAL_USER.display_name == "You"


def test_a_complete_auth_section_requires_sign_in():
    assert auth_configured({"auth": AUTH}) is True
    assert auth_providers({"auth": AUTH}) == []
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "microsoft": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}}
    assert auth_configured({"auth": named}) is True and auth_providers({"auth": named}) == ["microsoft"]
    assert current_user({"auth": AUTH}, {"is_logged_in": False}) is None  # the app shows the sign-in button


@pytest.mark.parametrize("missing", ["cookie_secret", "redirect_uri", "client_secret", "server_metadata_url"])
def test_a_half_configured_sign_in_stops_the_app_instead_of_sharing_one_user(missing):
    section = {k: v for k, v in AUTH.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        auth_configured({"auth": section})


def test_a_guessable_cookie_secret_is_refused():
    with pytest.raises(ConfigError, match="token_urlsafe"):
        auth_configured({"auth": dict(AUTH, cookie_secret="hunter2")})


def test_unreadable_secrets_are_an_error_not_a_silent_local_mode():
    with pytest.raises(ConfigError, match="secrets"):
        auth_configured(BrokenSecrets())


def test_the_signed_in_person_is_their_subject_not_their_email():
    claims = {"is_logged_in": True, "sub": "00u1a2b3c4", "name": "Dr. Priya Shah", "email": "priya@example.org"}
    user = user_from_claims(claims)
    assert user == User(id="00u1a2b3c4", name="Dr. Priya Shah", email="priya@example.org")
    assert not user.is_local and user.display_name == "Dr. Priya Shah"
    assert current_user({"auth": AUTH}, claims) == user
    assert user_from_claims({"is_logged_in": True, "email": "x@example.org"}) is None  # no subject, no user
    assert user_from_claims({"sub": "abc", "email": "x@example.org"}).display_name == "x@example.org"
    with pytest.raises(ConfigError):
        user_from_claims({"is_logged_in": True, "sub": "local"})  # can never become the shared local user


# ---- the app: sign-in gate, per-person sessions, sign-out ------------------------------------------------------

def _app(monkeypatch, user: dict | None, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    from agent.core import PROJECT_ROOT

    monkeypatch.setenv("MENTORPREP_MODEL", "fake")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.user = user or {"is_logged_in": False}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def _db():
    from agent.core import Store, load_settings

    return Store(load_settings().db_url)


def _texts(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "title", "error", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts) + "\n".join(b.label for b in at.button)


ALICE = {"is_logged_in": True, "sub": "00u-alice", "name": "Dr. Alice Okafor", "email": "alice@example.org"}
BOB = {"is_logged_in": True, "sub": "00u-bob", "name": "Bob Lin", "email": "bob@example.org"}


def test_with_sign_in_configured_a_visitor_sees_only_the_sign_in_button(monkeypatch):
    at = _app(monkeypatch, {"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.sidebar.children or not list(at.sidebar)  # no sessions, profile or data in the sidebar
    assert not at.chat_input
    assert len(at.markdown) == 1 and "Sign in" in at.markdown[0].value
    assert _db().list_sessions("local") == []  # nothing is created for an anonymous visitor


def test_each_person_sees_only_their_own_sessions_and_another_persons_link_is_not_found(monkeypatch):
    alice = _app(monkeypatch, ALICE)
    assert not alice.exception and "Signed in as **Dr. Alice Okafor**" in _texts(alice)
    alice.chat_input[0].set_value("How do I ask Dr. Ruiz about her echo research?").run()
    assert not alice.exception
    db = _db()
    (mine,) = db.list_sessions("00u-alice")
    assert mine["message_count"] == 2 and "echo research" in mine["title"]
    assert db.list_sessions("local") == []  # every store call acted for the signed-in person

    bob = _app(monkeypatch, BOB, {"session": mine["id"]})
    assert not bob.exception
    shown = _texts(bob)
    assert "not found" in shown and "echo research" not in shown  # the title does not leak
    assert bob.query_params["session"] != mine["id"]
    assert [s["id"] for s in db.list_sessions("00u-bob")] == [bob.query_params["session"]]
    assert db.for_user("00u-alice").list_messages(mine["id"])  # and Alice's session is untouched


def test_sign_out_returns_to_the_sign_in_button(monkeypatch):
    at = _app(monkeypatch, ALICE)
    at.sidebar.button(key="sign-out").click().run()
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]


def test_without_sign_in_the_app_is_the_single_local_user(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from agent.core import PROJECT_ROOT

    monkeypatch.setenv("MENTORPREP_MODEL", "fake")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "Sign out" not in [b.label for b in at.button] and at.chat_input
    assert [s["id"] for s in _db().list_sessions("local")] == [at.query_params["session"]]


def test_a_half_configured_sign_in_stops_the_app_with_the_reason(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from agent.core import PROJECT_ROOT

    monkeypatch.setenv("MENTORPREP_MODEL", "fake")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {k: v for k, v in AUTH.items() if k != "client_secret"}
    at.run()
    assert at.error and "client_secret" in at.error[0].value
    assert not at.chat_input and not at.button


def test_the_bound_store_acts_only_for_its_person(store):
    from views.account import BoundStore

    alice = BoundStore(store, "00u-alice")
    sid = alice.create_session("00u-alice", "Coffee with Dr. Lee")
    alice.add_message(sid, "user", "hello")  # the earlier API's "local" default means the bound person
    assert store.for_user("00u-alice").list_messages(sid)[0]["content"] == "hello"
    assert store.list_sessions("local") == []
    bob = BoundStore(store, "00u-bob")
    assert bob.get_session(sid) is None and bob.list_messages(sid) == []
    with pytest.raises(ConfigError):
        bob.list_sessions("00u-alice")


def test_turn_allowed_counts_turns_per_person_and_says_how_long_to_wait(settings):
    from dataclasses import replace
    from types import SimpleNamespace

    from views.account import get_limiter, turn_allowed

    limited = SimpleNamespace(settings=replace(settings, rate_limit="2/min"), user_id="00u-busy")
    assert turn_allowed(limited) is None and turn_allowed(limited) is None
    message = turn_allowed(limited)
    assert message and "try again in" in message and "kept" in message
    assert turn_allowed(SimpleNamespace(settings=limited.settings, user_id="00u-other")) is None  # per person
    get_limiter(limited.settings.rate_limit).forget("00u-busy")  # "Delete everything about me" forgets it too
    assert turn_allowed(limited) is None
