"""`sessions`, `export` and `delete-user` commands: a user's saved data from the terminal.

Each acts for the local user unless ``--user`` names another (on a hosted deployment, the person's sign-in
subject), so an administrator can answer an export or deletion request.
"""

from __future__ import annotations

import json
from pathlib import Path

from agent.core import LOCAL_USER_ID, Store, export_everything


def register(commands, evals) -> None:
    """Add the `sessions`, `export` and `delete-user` commands."""
    parser = commands.add_parser("sessions", help="list saved sessions (or one session's messages)")
    parser.add_argument("session_id", nargs="?", help="show this session's messages")
    _user_option(parser)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)

    export = commands.add_parser("export", help="write everything saved for a user as JSON and Markdown")
    _user_option(export)
    export.add_argument("--out", default=".", help="folder for the two files (default: here)")
    export.set_defaults(func=run_export)

    forget = commands.add_parser("delete-user", help="delete everything saved for a user")
    _user_option(forget)
    forget.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    forget.set_defaults(func=run_delete)


def _user_option(parser) -> None:
    parser.add_argument("--user", default=LOCAL_USER_ID, help=f"whose data (default: {LOCAL_USER_ID})")


def run(args, settings) -> int:
    mine = Store(settings.db_url).for_user(args.user)
    if args.session_id:
        if mine.get_session(args.session_id) is None:
            print(f"error: no session {args.session_id!r}", flush=True)
            return 2
        rows = mine.list_messages(args.session_id)
        if args.json:
            print(json.dumps(rows, default=str, ensure_ascii=False))
        else:
            for r in rows:
                print(f"[{r['role']}] {r['content']}")
        return 0
    rows = mine.list_sessions()
    if args.json:
        print(json.dumps(rows, default=str, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['id']}  {r['updated_at']:%Y-%m-%d %H:%M}  {r['message_count']:>3} msgs  {r['title']}")
    return 0


def run_export(args, settings) -> int:
    files = export_everything(Store(settings.db_url).for_user(args.user))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in ((files.json_name, files.json_text), (files.markdown_name, files.markdown_text)):
        (out / name).write_text(text, encoding="utf-8")
        print(out / name)
    return 0


def run_delete(args, settings) -> int:
    if not args.yes:
        print(f"error: this deletes everything saved for {args.user!r}; run again with --yes to confirm", flush=True)
        return 2
    counts = Store(settings.db_url).delete_user(args.user)
    print(", ".join(f"{n} {table}" for table, n in counts.items()) + " deleted")
    return 0
