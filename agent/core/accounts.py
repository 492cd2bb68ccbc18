"""Who is using MentorPrep: the single local user, or a person signed in through OpenID Connect.

Sign-in is on when Streamlit's secrets have an ``[auth]`` section (``.streamlit/secrets.toml``); the app then
calls ``st.login()`` and builds the :class:`User` from ``st.user``. Without it, everyone is the local user, as on
a laptop. These are plain functions over mappings so they are tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent.core.errors import ConfigError
from agent.core.store import LOCAL_USER_ID

AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32


@dataclass(frozen=True)
class User:
    """A person whose data MentorPrep keeps apart from everyone else's.

    Attributes:
        id: the OpenID Connect subject (``sub``) of a signed-in person, or ``"local"``.
        name: the name to greet them by ("" when unknown).
        email: their email address ("" when unknown or local).
    """

    id: str
    name: str = ""
    email: str = ""

    @property
    def is_local(self) -> bool:
        return self.id == LOCAL_USER_ID

    @property
    def display_name(self) -> str:
        """Name, else email, else "You"."""
        return self.name or self.email or "You"


LOCAL_USER = User(LOCAL_USER_ID)


def auth_configured(secrets: Mapping[str, Any] | None) -> bool:
    """Whether sign-in is required: True when the secrets have a complete ``[auth]`` section.

    Args:
        secrets: ``st.secrets`` or any mapping read from ``.streamlit/secrets.toml``.

    Raises:
        ConfigError: an ``[auth]`` section exists but is incomplete, or the secrets file cannot be read.
            Falling back to no sign-in would put every person's data under one shared user, so a broken
            configuration stops the app instead.
    """
    if secrets is None:
        return False
    try:
        section = secrets.get("auth") if hasattr(secrets, "get") else None
    except FileNotFoundError as exc:
        if getattr(exc, "error_id", "no-secrets-found") == "no-secrets-found":
            return False  # no secrets file at all: a local install
        raise ConfigError(f"Streamlit's secrets could not be read ({exc}); fix .streamlit/secrets.toml.") from None
    if section is None:
        return False
    if not isinstance(section, Mapping):
        raise ConfigError("[auth] in .streamlit/secrets.toml must be a section (a TOML table).")
    missing = [k for k in AUTH_KEYS if not section.get(k)]
    providers = _providers(section)
    if not providers:
        missing += [k for k in PROVIDER_KEYS if not section.get(k)]
    for name, provider in providers.items():
        missing += [f"{name}.{k}" for k in PROVIDER_KEYS if not provider.get(k)]
    if missing:
        raise ConfigError(f"Sign-in is half configured: [auth] in .streamlit/secrets.toml lacks "
                          f"{', '.join(missing)}. Complete it, or remove the [auth] section to run without sign-in.")
    if len(str(section["cookie_secret"])) < MIN_COOKIE_SECRET:
        # The sign-in cookie is signed with it: a short secret could be guessed and a session forged.
        raise ConfigError(f"[auth] cookie_secret must be at least {MIN_COOKIE_SECRET} random characters; make one "
                          "with: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return True


def auth_providers(secrets: Mapping[str, Any]) -> list[str]:
    """The provider names to pass to ``st.login(name)``; ``[]`` means the single unnamed provider."""
    return list(_providers(secrets.get("auth") or {}))


def _providers(section: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    # Named providers are sub-sections ([auth.google], [auth.microsoft]); the unnamed one sits in [auth] itself.
    return {k: v for k, v in section.items() if isinstance(v, Mapping) and k != "client_kwargs"}


def user_from_claims(claims: Mapping[str, Any] | None) -> User | None:
    """The signed-in person from ``st.user`` (its claims), or None when nobody is signed in.

    The subject claim is the id: it never changes for a person at one provider, unlike an email address.
    """
    if not claims or not claims.get("is_logged_in", True):
        return None
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        return None
    if subject == LOCAL_USER_ID or len(subject) > 255:
        raise ConfigError("The sign-in provider sent a subject MentorPrep cannot use as an id.")
    name = str(claims.get("name") or claims.get("given_name") or claims.get("preferred_username") or "").strip()
    return User(id=subject, name=name[:200], email=str(claims.get("email") or "").strip()[:320])


def current_user(secrets: Mapping[str, Any] | None, claims: Mapping[str, Any] | None) -> User | None:
    """The user to act for: the local user without sign-in; the signed-in person; None when sign-in is needed."""
    if not auth_configured(secrets):
        return LOCAL_USER
    return user_from_claims(claims)
