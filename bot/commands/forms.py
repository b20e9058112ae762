"""``python -m bot forms load PATH…`` / ``forms list``: report forms as YAML data (files or folders)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from bot.commands.common import CliError, Subparsers
from core.settings import Settings


def form_files(names: list[str]) -> list[Path]:
    """The YAML files named, a folder standing for the .yaml/.yml files in it (as ``ingest`` does)."""
    out: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
            if not found:
                raise CliError(f"thư mục {path} không có tệp .yaml nào", 1)
            out.extend(found)
        else:
            out.append(path)
    return out


def _load(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import build_services
    from store.db import transaction
    from store.forms.spec import FormError
    from store.forms.versions import load_form

    status = 0
    services = build_services(settings, startup=False)
    for path in form_files(args.files):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            print(f"LỖI {path}: không có tệp này", file=sys.stderr)
            status = 1
            continue
        except (OSError, UnicodeDecodeError):
            print(f"LỖI {path}: không đọc được tệp (cần tệp YAML, mã UTF-8)", file=sys.stderr)
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
    from store.forms.versions import form_spec, list_forms

    services = build_services(settings, startup=False)
    with services.session_factory() as session:
        forms = list_forms(session)
        for f in forms:
            print(f"{f.form_id}\tv{f.version}\t{len(form_spec(f).fields)} câu\t{f.title}")
    if not forms:
        print(f"Chưa có biểu mẫu nào. Nạp mẫu có sẵn: python -m bot forms load {sample_forms_dir(settings)}")
    return 0


def add(sub: Subparsers) -> None:
    forms = sub.add_parser("forms", help="biểu mẫu báo cáo (YAML)", description="Biểu mẫu báo cáo (tệp YAML).")
    fsub = forms.add_subparsers(dest="forms_command", required=True, metavar="LỆNH")
    load = fsub.add_parser("load", help="kiểm tra và lưu biểu mẫu; mẫu đổi nội dung thành phiên bản mới",
                           description=f"Nạp biểu mẫu. Mẫu có sẵn: python -m bot forms load {sample_forms_dir()}")
    load.add_argument("files", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp .yaml hoặc thư mục chứa chúng")
    load.set_defaults(func=_load)
    lst = fsub.add_parser("list", help="phiên bản mới nhất của mọi biểu mẫu")
    lst.set_defaults(func=_list)


def sample_forms_dir(settings: Optional[Settings] = None) -> str:
    """Where the bundled sample forms are, as a path a user can paste (relative when shorter)."""
    sample_dir = settings.sample_dir if settings is not None else Settings.model_fields["sample_dir"].default
    folder = Path(sample_dir) / "forms"
    try:
        return str(folder.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(folder.resolve())
