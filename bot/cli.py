"""``python -m bot``: serve (Telegram with BOT_TOKEN, else the console chat) and admin commands."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Callable, Optional

from bot.logsetup import configure_logging
from pydantic import ValidationError

from core.settings import Settings

# Feature CLI modules add their sub-commands here: fn(subparsers) -> None. Each sub-command
# sets ``func`` to a callable(args, settings) -> int.
SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Emulation-campaign bot for commune officers")
    parser.add_argument("-v", "--verbose", action="store_true", help="show log lines (libraries included)")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve Telegram (BOT_TOKEN set) or the console chat")
    serve.add_argument("--console", action="store_true", help="console chat even when BOT_TOKEN is set")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--webhook", action="store_true",
                      help="webhook server (needs WEBHOOK_URL, WEBHOOK_SECRET; the default when WEBHOOK_URL is set)")
    mode.add_argument("--polling", action="store_true", help="long polling (refused while WEBHOOK_URL is set)")
    serve.set_defaults(func=_serve)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def _is_console(args: argparse.Namespace, settings: Settings) -> bool:
    return args.command == "serve" and (not settings.bot_token or bool(getattr(args, "console", False)))


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "polling", False) and settings.webhook_url:
        # Polling deletes the webhook: a poller beside the web process would silence it.
        print("WEBHOOK_URL is set: serve with --webhook (Procfile web:), or unset it to poll.", file=sys.stderr)
        return 2
    if getattr(args, "webhook", False) or (settings.webhook_url and not _is_console(args, settings)):
        from bot.webhook_serve import run_webhook

        return run_webhook(settings)
    if not _is_console(args, settings):
        from bot.channels.telegram import run_telegram

        return run_telegram(settings)
    from bot.channels.console import run_console

    return asyncio.run(run_console(settings))


def main(argv: Optional[list[str]] = None) -> int:
    import bot.commands  # noqa: F401  (registers sub-commands)

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper()
            print(f"Cài đặt {name} không hợp lệ: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    if args.command is None:  # only main options were given: serve with them
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "serve"])
    verbose = bool(args.verbose)
    level = settings.log_level.upper()
    quiet_by_default = args.command != "serve" or _is_console(args, settings)
    if quiet_by_default and "log_level" not in settings.model_fields_set and not verbose:
        level = "WARNING"  # a terminal: keep start-up chatter out of the conversation and the output
    configure_logging("DEBUG" if verbose else level, settings.secrets(), verbose=verbose)
    return int(args.func(args, settings) or 0)
