"""`chat`: talk to the MentorPrep agent in the terminal, or run a script of messages and print every turn."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from agent.core import BackendError, InputError, Store

USER_ID = "local"


def register(commands, evals) -> None:
    """Add the `chat` command."""
    parser = commands.add_parser(
        "chat", help="talk to the agent (interactive), or run a script of messages with --script",
        description="The same agent as the app's chat. Each run is saved as a session in the configured store.")
    parser.add_argument("--script", metavar="FILE", help="one user message per line ('-' for stdin)")
    parser.add_argument("--json", action="store_true", help='with --script: print {"turns": [...]} as JSON')
    parser.add_argument("--session", help="continue this session instead of starting a new one")
    parser.set_defaults(func=run)


def _services(settings):
    from agent.core import make_chat_model
    from retrieval import KeywordRetriever, get_embedder, make_retriever

    model = make_chat_model(settings.model, settings)
    citer = KeywordRetriever(settings.knowledge_dir)
    retriever = make_retriever(settings)
    if not retriever.is_ready():
        print("The knowledge index is not built (run `python -m retrieval build`); answers use keyword search.",
              file=sys.stderr)
        retriever = citer
    return model, retriever, citer, get_embedder().embed


def run(args, settings) -> int:
    from agent.conversation import StoreMemory, open_conversation

    store = Store(settings.db_url)
    if args.session and not store.get_session(args.session):
        print(f"error: no session {args.session!r}", file=sys.stderr)
        return 2
    if args.script:
        try:
            source = sys.stdin.read() if args.script == "-" else Path(args.script).read_text(encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot read {args.script}: {exc.strerror}", file=sys.stderr)
            return 2
        messages = [line.strip() for line in source.splitlines() if line.strip()]
        if not messages:
            print("error: the script has no messages (one per line).", file=sys.stderr)
            return 2
    else:
        messages = []
    session_id = args.session or store.create_session(USER_ID, title="Chat from the terminal")
    memory = StoreMemory(store, USER_ID, session_id)
    model, retriever, citer, embed = _services(settings)
    turns: list[dict[str, Any]] = []

    def one(message: str, *, echo: bool) -> bool:
        conversation = open_conversation(memory, model, retriever=retriever, citer=citer, embed=embed)
        try:
            reply = conversation.respond(message)
            for piece in reply.stream or ():
                if echo:
                    print(piece, end="", flush=True)
        except InputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return False
        except BackendError as exc:
            print(f"\nerror: {exc.user_message()}", file=sys.stderr)
            return False
        if echo:
            print()
            for button in reply.buttons:
                print(f"  > {button['label']}")
        if store.get_session(session_id)["title"] in ("New session", "Chat from the terminal"):
            store.rename_session(session_id, message[:60])
        turns.append({"user": message, "intent": reply.intent, "tool": reply.tool, "reply": reply.text,
                      "result": reply.result})
        return True

    if args.script:
        for message in messages:
            one(message, echo=not args.json)
        if args.json:
            print(json.dumps({"session": session_id, "turns": turns}, ensure_ascii=False, default=str))
        return 0 if turns else 2
    print("MentorPrep chat - type a message, or 'quit' to leave. Session:", session_id, file=sys.stderr)
    while True:
        try:
            message = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if message.lower() in ("quit", "exit", "/quit"):
            return 0
        if message:
            one(message, echo=True)
