"""``python -m bot ingest PATH...``: load directive files (.txt, .md, .docx, .pdf; files or folders)."""

from __future__ import annotations

import argparse
import sys

from core.settings import Settings
from bot.commands.common import Subparsers


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.directives.ingest import ingest_paths
    from store.search.service import refresh

    services = build_services(settings, startup=False)
    result = ingest_paths(services.session_factory, args.paths, services.clock, progress=not args.no_progress)
    if result.loaded or result.updated:
        refresh(services)  # rebuild the persisted index now rather than at the bot's next start
    for path, message in result.errors:
        print(f"LỖI {path}: {message}", file=sys.stderr)
    print(result.summary_vi)
    return 1 if result.errors else 0


def add(sub: Subparsers) -> None:
    parser = sub.add_parser("ingest", help="nạp văn bản chỉ đạo (.txt, .md, .docx, .pdf) hoặc thư mục chứa chúng",
                            description="Nạp hoặc cập nhật văn bản chỉ đạo (khớp theo tên tệp), rồi làm mới "
                                        "chỉ mục tìm kiếm.")
    parser.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp hoặc thư mục")
    parser.add_argument("--no-progress", action="store_true", help="không hiện thanh tiến độ")
    parser.set_defaults(func=_ingest)
