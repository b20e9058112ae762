"""``python -m bot forms load FILE`` / ``forms list``: report forms as YAML data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli import SUBCOMMANDS
from core.settings import Settings


def _load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.forms import FormError, load_form

    status = 0
    services = build_services(settings, startup=False)
    for name in args.files:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"LỖI {path}: không đọc được tệp ({exc})", file=sys.stderr)
            status = 1
            continue
        try:
            with transaction(services.session_factory) as session:
                row, created = load_form(session, text, services.clock.now())
                form_id, version, title = row.form_id, row.version, row.title
        except FormError as exc:
            for error in exc.errors:
                print(f"LỖI {path}: {error}", file=sys.stderr)
            status = 1
            continue
        state = "đã nạp phiên bản mới" if created else "không đổi, giữ"
        print(f"{path}: {form_id} “{title}” {state} v{version}")
    return status


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.forms import form_spec, list_forms

    services = build_services(settings, startup=False)
    with services.session_factory() as session:
        forms = list_forms(session)
        for f in forms:
            print(f"{f.form_id}\tv{f.version}\t{len(form_spec(f).fields)} câu\t{f.title}")
    if not forms:
        print("Chưa có biểu mẫu nào.")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    forms = sub.add_parser("forms", help="report forms (YAML)")
    fsub = forms.add_subparsers(dest="forms_command", required=True)
    load = fsub.add_parser("load", help="validate and store forms; a changed form becomes a new version")
    load.add_argument("files", nargs="+", help="YAML files")
    load.set_defaults(func=_load)
    lst = fsub.add_parser("list", help="latest version of every form")
    lst.set_defaults(func=_list)


SUBCOMMANDS.append(add)
