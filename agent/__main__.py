"""CLI: ``python -m agent <command>`` (also installed as ``mentorprep``)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from agent.core import MentorPrepError, configure_logging, load_settings

# Each module in agent/cli registers its own commands with register(commands, evals).
COMMAND_MODULES = ("ask", "roles", "questions", "rehearse", "prep", "sessions", "train", "route", "chat")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every command that is installed."""
    parser = argparse.ArgumentParser(prog="mentorprep", description="Prepare for a meeting with a senior doctor.")
    parser.add_argument("--model", help="local | openai:<model> | compat:<model> | fake (overrides MENTORPREP_MODEL)")
    commands = parser.add_subparsers(dest="command", metavar="<command>")
    eval_parser = commands.add_parser("eval", help="print quality figures on the labelled sets")
    evals = eval_parser.add_subparsers(dest="eval_name", metavar="<set>")
    eval_parser.set_defaults(func=lambda args, settings: _usage(eval_parser))
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"agent.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"agent.cli.{name}":
                raise
            continue
        module.register(commands, evals)
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        return _usage(parser)
    try:
        settings = load_settings(model=args.model)
        configure_logging(settings)
        return int(args.func(args, settings) or 0)
    except MentorPrepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        logging.shutdown()


if __name__ == "__main__":
    sys.exit(main())
