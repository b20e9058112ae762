"""``python -m bot ingest PATH...``: load directive files (.txt, .md, .docx, .pdf; files or folders)."""

from __future__ import annotations

import argparse
import sys

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.ingest import ingest_paths
    from store.search import refresh

    services = build_services(settings, startup=False)
    result = ingest_paths(services.session_factory, args.paths, services.clock, progress=not args.no_progress)
    if result.loaded or result.updated:
        refresh(services)  # rebuild the persisted index now rather than at the bot's next start
    for path, message in result.errors:
        print(f"LỖI {path}: {message}", file=sys.stderr)
    print(result.summary_vi)
    return 1 if result.errors else 0


def add(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("ingest", help="load directive files (.txt/.md/.docx/.pdf) or folders of them")
    parser.add_argument("paths", nargs="+", help="files or directories")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=_ingest)


SUBCOMMANDS.append(add)
