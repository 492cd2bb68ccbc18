"""MentorPrep in the browser: layout, widgets and session state. Capabilities live in agent/ and views/."""

from __future__ import annotations

import importlib

import streamlit as st

from agent.core import ConfigError, MentorPrepError, Settings, Store, User, configure_logging, load_settings
from views.account import BoundStore, render_sign_in, resolve_user
from views.context import AppContext
from views.sidebar import open_session, render_sidebar

# The chat is the app; the other pages are workbenches that share the same session and state.
MODES = {
    "Chat": "views.chat",
    "Read the room": "views.roles",
    "Sharpen questions": "views.questions",
    "Rehearse": "views.rehearsal",
    "Prep sheet & team": "views.prep",
}


@st.cache_resource(show_spinner=False)
def get_store(db_url: str) -> Store:
    return Store(db_url)


@st.cache_resource(show_spinner="Loading the chat model…")
def get_model(spec: str, settings: Settings):
    from agent.core import make_chat_model

    return make_chat_model(spec, settings)


@st.cache_resource(show_spinner=False)
def get_citer(settings: Settings):
    from retrieval import KeywordRetriever

    return KeywordRetriever(settings.knowledge_dir)


@st.cache_resource(show_spinner="Loading the language understanding model…")
def get_embed():
    from retrieval import get_embedder

    return get_embedder().embed


@st.cache_resource(show_spinner="Opening the knowledge index…")
def get_retriever(settings: Settings):
    from retrieval import make_retriever

    return make_retriever(settings)


def _settings() -> tuple[Settings, str | None]:
    try:
        return load_settings(), None
    except ConfigError as exc:
        # A bad remote setting must not lock the user out: fall back to the embedded model and say why.
        return load_settings(model="local"), str(exc)


def _retrievers(settings: Settings):
    try:
        citer = get_citer(settings)
    except (ImportError, MentorPrepError):
        citer = None
    try:
        retriever = get_retriever(settings)
        if not retriever.is_ready():
            retriever = None
    except (ImportError, MentorPrepError, ValueError):
        retriever = None
    return retriever, citer


def _embed():
    try:
        return get_embed()
    except (ImportError, MentorPrepError):  # without the embedder the chat routes by its rules alone
        return None


def _session_id(store: Store, user: User) -> str:
    """This tab's session: kept in session state, mirrored in the URL so a refresh reopens it.

    Sessions are looked up only among the user's own: someone else's id reads as "not found", exactly like an
    id that never existed, so a shared link reveals nothing (not even a title) to another account.
    """
    mine = store.for_user(user.id)
    for wanted in (st.session_state.get("session_id"), st.query_params.get("session")):
        if wanted and mine.get_session(wanted):
            open_session(wanted)
            return wanted
    if st.query_params.get("session"):
        st.warning("That session was not found: it may have been deleted, or the link belongs to another "
                   "account. Here is your latest session instead.")
    existing = mine.list_sessions()
    sid = existing[0]["id"] if existing else mine.create_session()
    open_session(sid)
    return sid


_TITLE_PREFIX = {"chat": "", "read_room": "Read the room: ", "rehearsal": "Rehearsal: "}
DEFAULT_TITLES = {"New session", "Untitled session"}


def _auto_title(store: Store, session_id: str) -> None:
    """Name a new session after its first user message, so the session list is readable."""
    session = store.get_session(session_id)
    if not session or session["title"] not in DEFAULT_TITLES:
        return
    first = next((m for m in store.list_messages(session_id) if m["role"] == "user"), None)
    if first:
        store.rename_session(session_id, _TITLE_PREFIX.get(first["kind"], "") + first["content"][:60])


def main() -> None:
    st.set_page_config(page_title="MentorPrep", page_icon="🩺", layout="wide")
    user = resolve_user()
    if user is None:  # sign-in is configured and nobody is signed in: nothing else is drawn or loaded
        render_sign_in()
        return
    settings, config_problem = _settings()
    configure_logging(settings)
    store = BoundStore(get_store(settings.db_url), user.id)
    spec = st.session_state.setdefault("model_spec", settings.model)
    try:
        model = get_model(spec, settings)
    except MentorPrepError as exc:
        config_problem = str(exc)
        st.session_state["model_spec"] = spec = "local"
        model = get_model(spec, settings)
    retriever, citer = _retrievers(settings)
    session_id = _session_id(store, user)
    _auto_title(store, session_id)
    ctx = AppContext(settings=settings, store=store, model=model, retriever=retriever, citer=citer,
                     session_id=session_id, user_id=user.id, embed=_embed())
    mode = render_sidebar(ctx, spec, list(MODES), config_problem, user=user)
    try:
        view = importlib.import_module(MODES[mode])
    except ModuleNotFoundError:
        st.info(f"{mode} is not available in this build.")
        return
    view.render(ctx)


main()
