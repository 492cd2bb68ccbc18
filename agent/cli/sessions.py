"""`sessions` command: list saved sessions and their messages from the terminal."""

from __future__ import annotations

import json

from agent.core import Store

USER_ID = "local"


def register(commands, evals) -> None:
    """Add the `sessions` command."""
    parser = commands.add_parser("sessions", help="list saved sessions (or one session's messages)")
    parser.add_argument("session_id", nargs="?", help="show this session's messages")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def run(args, settings) -> int:
    store = Store(settings.db_url)
    if args.session_id:
        if store.get_session(args.session_id) is None:
            print(f"error: no session {args.session_id!r}", flush=True)
            return 2
        rows = store.list_messages(args.session_id)
        if args.json:
            print(json.dumps(rows, default=str, ensure_ascii=False))
        else:
            for r in rows:
                print(f"[{r['role']}] {r['content']}")
        return 0
    rows = store.list_sessions(USER_ID)
    if args.json:
        print(json.dumps(rows, default=str, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['id']}  {r['updated_at']:%Y-%m-%d %H:%M}  {r['message_count']:>3} msgs  {r['title']}")
    return 0
