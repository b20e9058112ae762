"""``python -m bot``: serve (Telegram with BOT_TOKEN, else the console chat) and admin commands.

Output is for people: quiet by default (``-v`` shows log lines), errors are one Vietnamese
line (``LỖI: …``) with a non-zero status, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Optional

from pydantic import ValidationError

from bot.commands import SUBCOMMANDS
from bot.commands.common import CliError, ViArgumentParser
from bot.logsetup import configure_logging
from core.settings import Settings, settings_error_line

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = ViArgumentParser(prog="python -m bot", description="Trợ lý thi đua cho cán bộ xã, phường: "
                              "chạy bot (không có lệnh con) hoặc các lệnh quản trị bên dưới.")
    parser.add_argument("-v", "--verbose", action="store_true", help="hiện nhật ký chi tiết (cả của thư viện)")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    serve = sub.add_parser("serve", help="chạy bot: Telegram (BOT_TOKEN) và/hoặc Zalo (ZALO_BOT_TOKEN), "
                           "không có thì chat thử trên máy")
    serve.add_argument("--console", action="store_true", help="chat thử trên máy kể cả khi đã đặt token")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--webhook", action="store_true",
                      help="máy chủ webhook (cần WEBHOOK_URL và khóa của từng nền tảng; mặc định khi đã đặt WEBHOOK_URL)")
    mode.add_argument("--polling", action="store_true", help="long polling (bị từ chối khi đã đặt WEBHOOK_URL)")
    serve.set_defaults(func=_serve)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def _is_console(args: argparse.Namespace, settings: Settings) -> bool:
    no_channel = not settings.bot_token and not settings.zalo_bot_token
    return args.command == "serve" and (no_channel or bool(getattr(args, "console", False)))


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "polling", False) and settings.webhook_url:
        # Polling deletes the webhook: a poller beside the web process would silence it.
        raise CliError("đã đặt WEBHOOK_URL: chạy với --webhook (Procfile web:), hoặc bỏ WEBHOOK_URL để dùng polling", 2)
    # Each serving mode is imported only when chosen: admin subcommands and the console chat
    # start without loading python-telegram-bot, the Zalo client or the webhook web server.
    if getattr(args, "webhook", False) or (settings.webhook_url and not _is_console(args, settings)):
        from bot.webhook.serve import run_webhook

        return run_webhook(settings)
    if not _is_console(args, settings) and settings.zalo_bot_token:
        from bot.serve import run_channels  # Zalo alone, or Telegram and Zalo in one loop

        return run_channels(settings)
    if not _is_console(args, settings):
        from bot.channels.telegram.channel import run_telegram

        return run_telegram(settings)
    from bot.channels.console.chat import run_console

    return asyncio.run(run_console(settings))


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(settings_error_line(exc), file=sys.stderr)
        return 2
    if args.command is None:  # only main options were given: serve with them
        args = parser.parse_args([*(sys.argv[1:] if argv is None else argv), "serve"])
    verbose = bool(args.verbose)
    level = settings.log_level.upper()
    quiet_by_default = args.command != "serve" or _is_console(args, settings)
    if quiet_by_default and "log_level" not in settings.model_fields_set and not verbose:
        level = "WARNING"  # a terminal: keep start-up chatter out of the conversation and the output
    configure_logging("DEBUG" if verbose else level, settings.secrets(), verbose=verbose)
    try:
        return int(args.func(args, settings) or 0)
    except CliError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one line, details with -v
        log.debug("command failed", exc_info=True)
        print(f"LỖI: lệnh không chạy được ({type(exc).__name__}). Chạy lại với -v để xem chi tiết.",
              file=sys.stderr)
        return 1
