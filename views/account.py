"""Who is using the app and what they may do with their own data: sign-in, sign-out, rate limit, export, delete.

Without an ``[auth]`` section in ``.streamlit/secrets.toml`` everyone is the local user and nothing here asks
for a sign-in. With one, every page waits for ``st.login`` and the person's OpenID subject becomes the user id
that every store call acts for (through :class:`BoundStore`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from agent.core import (
    LOCAL_USER_ID,
    ConfigError,
    RateLimiter,
    Store,
    User,
    UserStore,
    auth_providers,
    current_user,
    export_everything,
)
from views.context import AppContext

EXPORT_KEY = "account-export"
CONFIRM_KEY = "account-confirm-delete"
FLASH_KEY = "account-flash"
KEEP_ON_DELETE = ("model_spec",)  # the backend choice is not data about the person


class BoundStore(Store):
    """The store as one person sees it: every call acts for ``user_id``, whatever id the caller passes.

    Views and the conversation use the earlier :class:`Store` API, where methods taking only a row id act for
    the local user. In a signed-in app that default must mean the signed-in person, so ``"local"`` and the
    person's own id both resolve to them; any other id is refused. Reads of someone else's rows therefore
    behave exactly as if the rows did not exist.
    """

    def __init__(self, store: Store, user_id: str) -> None:  # shares the engine: no schema work
        self.engine = store.engine
        self.user_id = user_id

    def for_user(self, user_id: str) -> UserStore:
        """This person's rows; ``"local"`` means them too (see the class docstring)."""
        if user_id not in (self.user_id, LOCAL_USER_ID):
            raise ConfigError("A view asked for another person's data; that is never allowed.")
        return UserStore(self.engine, self.user_id)

    def delete_user(self, user_id: str, *, forget=()) -> dict[str, int]:
        """Delete everything of this person (only)."""
        return self.for_user(user_id).delete_everything(forget)

    def close(self) -> None:
        """The engine is shared by every person's view; closing one view must not close it."""


# ---- sign-in ----------------------------------------------------------------------------------------------

def _claims() -> dict[str, Any]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 - st.user is unavailable outside a browser session: nobody is signed in
        return {}


def resolve_user() -> User | None:
    """The person to act for, or None when sign-in is configured and nobody is signed in yet.

    A broken ``[auth]`` section stops the app with the reason: falling back to the shared local user would
    mix everyone's data.
    """
    try:
        return current_user(st.secrets, _claims())
    except ConfigError as exc:
        st.error(f"MentorPrep cannot start: {exc}")
        st.stop()


def render_sign_in() -> None:
    """The only thing an anonymous visitor sees: what this is and a sign-in button."""
    st.title("🩺 MentorPrep")
    st.write("Sign in to prepare for your mentoring meetings; your sessions, notes and questions are kept "
             "private to your account.")
    providers = auth_providers(st.secrets)
    for name in providers or [None]:
        label = f"Sign in with {name.capitalize()}" if name else "Sign in"
        if st.button(label, key=f"sign-in-{name or 'default'}", type="primary"):
            if name:
                st.login(name)
            else:
                st.login()


def render_signed_in(user: User) -> None:
    """Sidebar lines for a signed-in person: who they are and a sign-out button."""
    if user.is_local:
        return
    st.caption(f"Signed in as **{user.display_name}**")
    if st.button("Sign out", key="sign-out"):
        st.logout()


# ---- rate limit -------------------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def get_limiter(spec: str) -> RateLimiter:
    """One limiter for every session of the server, so a person's tabs share one allowance."""
    return RateLimiter.from_spec(spec)


def turn_allowed(ctx: AppContext) -> str | None:
    """Count a chat turn for ``ctx.user_id``; None when it may go ahead, else the sentence to show.

    Call it once per turn, just before the turn runs; a refused turn is not counted.
    """
    decision = get_limiter(ctx.settings.rate_limit).check(ctx.user_id)
    return None if decision.allowed else decision.message


# ---- your data --------------------------------------------------------------------------------------------

def render_your_data(ctx: AppContext) -> None:
    """"Your data": export everything (JSON + Markdown) and delete everything (after a confirmation)."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash:
        st.success(flash)
    with st.expander("Your data"):
        if st.button("Export everything", key="export-everything"):
            st.session_state[EXPORT_KEY] = export_everything(ctx.store.for_user(ctx.user_id))
        files = st.session_state.get(EXPORT_KEY)
        if files is not None:
            st.download_button("Download JSON (every detail)", files.json_text, file_name=files.json_name,
                               mime="application/json", key="export-json", on_click="ignore")
            st.download_button("Download Markdown (readable)", files.markdown_text, file_name=files.markdown_name,
                               mime="text/markdown", key="export-md", on_click="ignore")
        st.divider()
        if not st.session_state.get(CONFIRM_KEY):
            if st.button("Delete everything about me", key="delete-everything"):
                st.session_state[CONFIRM_KEY] = True
                st.rerun()
            return
        st.warning("This deletes your profile, every session and message, your mentors, meetings and kept "
                   "questions. It cannot be undone; export first if you want a copy.")
        cols = st.columns(2)
        if cols[0].button("Yes, delete it all", key="delete-everything-confirm", type="primary"):
            delete_everything(ctx)
        if cols[1].button("Cancel", key="delete-everything-cancel"):
            st.session_state.pop(CONFIRM_KEY, None)
            st.rerun()


def delete_everything(ctx: AppContext) -> None:
    """Remove every row of the person and anything derived from their text, then open a fresh session."""
    from views.sidebar import open_session

    forget = [get_limiter(ctx.settings.rate_limit).forget]
    # The knowledge index holds only the curated knowledge base today; an index that also keeps entries made
    # from a person's text offers forget_user, and the deletion commits only if that succeeds.
    for index in (ctx.retriever, ctx.citer):
        hook = getattr(index, "forget_user", None)
        if callable(hook):
            forget.append(hook)
    counts = ctx.store.delete_user(ctx.user_id, forget=forget)
    kept = {k: st.session_state[k] for k in KEEP_ON_DELETE if k in st.session_state}
    st.session_state.clear()  # widget values (profile fields, drafts) would otherwise bring the text back
    st.session_state.update(kept)
    st.query_params.clear()
    open_session(ctx.store.create_session(ctx.user_id))
    removed = sum(counts.values())
    st.session_state[FLASH_KEY] = (f"Deleted everything about you ({removed} saved item{'s' if removed != 1 else ''})"
                                   ". This is a fresh session.")
    st.rerun()
