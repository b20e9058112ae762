"""What every CLI sub-command shares: a Vietnamese argument parser, one-line errors, unit names.

argparse writes its usage, headings and errors in English; a commune officer running
``python -m bot`` reads Vietnamese. ``ViArgumentParser`` translates the headings and turns
each parse error into one Vietnamese line; ``CliError`` is how a command reports a problem
(``main`` prints ``LỖI: …`` and exits with its status, never a traceback).
"""

from __future__ import annotations

import argparse
import errno
import re
import sys
from typing import Any, NoReturn, Optional, Sequence, TypeAlias

from core.broadcasts import NO_OFFICERS
from store.people.units import UnitIndex, resolve_province, unit_index


# What each command module's ``add(sub)`` receives: ``parser.add_subparsers()``.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CliError(Exception):
    """A problem the user can fix; the message is one Vietnamese line."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


# argparse's own messages (Python 3.11), each with a Vietnamese version.
_ARGPARSE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.+)", "thiếu tham số bắt buộc: {0}"),
    (r"argument (.+?): invalid choice: '?(.*?)'? \(choose from (.+)\)", "{0}: không có lựa chọn “{1}” (chọn: {2})"),
    (r"argument (.+?): invalid int value: '?(.*?)'?$", "{0}: cần một số nguyên, không phải “{1}”"),
    (r"argument (.+?): invalid (\w+) value: '?(.*?)'?$", "{0}: giá trị không hợp lệ “{2}”"),
    (r"argument (.+?): expected one argument", "{0}: cần một giá trị"),
    (r"argument (.+?): expected at least one argument", "{0}: cần ít nhất một giá trị"),
    (r"argument (.+?): not allowed with argument (.+)", "{0} không dùng cùng {1}"),
    (r"one of the arguments (.+) is required", "cần một trong các tham số: {0}"),
    (r"unrecognized arguments: (.+)", "không hiểu tham số: {0}"),
    (r"argument (.+?): ignored explicit argument '?(.*?)'?$", "{0}: không nhận giá trị “{1}”"),
    (r"argument (.+?): (.+)", "{0}: {1}"),
)


def translate_error(message: str) -> str:
    """argparse's English error as one Vietnamese line (messages we raise pass unchanged)."""
    for pattern, vietnamese in _ARGPARSE_ERRORS:
        m = re.fullmatch(pattern, message.strip(), re.S)
        if m:
            parts = [p.replace("'", "") for p in m.groups()]
            return vietnamese.format(*parts).replace("LỆNH: không có lựa chọn", "không có lệnh")
    return message


class ViHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Optional[str], actions: Any, groups: Any, prefix: Optional[str] = None) -> None:
        super().add_usage(usage, actions, groups, prefix="Cách dùng: " if prefix is None else prefix)


_STARTS_WITH_MINUS_DIGIT = re.compile(r"^-\d")


_SEEN = "_options_given"  # namespace attribute: the single-value options met so far in one parse


class StoreOnce(argparse._StoreAction):
    """argparse's "store", except that giving the option twice is an error: the second value
    would silently replace the first ("--communes A --communes B" keeps only B)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: Optional[str] = None) -> None:
        seen: set[str] = getattr(namespace, _SEEN, set())
        if option_string is not None and self.dest in seen:
            raise argparse.ArgumentError(self, "chỉ được ghi một lần")
        seen.add(self.dest)
        setattr(namespace, _SEEN, seen)
        super().__call__(parser, namespace, values, option_string)


class ViArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help headings and errors are Vietnamese, that takes no
    abbreviation of an option ("--commune" is not "--communes") and no single-value option twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ViHelpFormatter)
        kwargs["add_help"] = False
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self.register("action", None, StoreOnce)
        self.register("action", "store", StoreOnce)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="hiện hướng dẫn này rồi thoát")
        # No option of ours starts with a minus and a digit, so "-3d@08:00" is a value (reminder offsets
        # before the due day), as argparse already treats "-3": `--offsets -3d@08:00` works without `=`.
        self._negative_number_matcher = _STARTS_WITH_MINUS_DIGIT

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("title", "lệnh con")
        kwargs.setdefault("help", "gõ LỆNH --help để xem cách dùng từng lệnh")
        kwargs.setdefault("parser_class", ViArgumentParser)
        return super().add_subparsers(**kwargs)

    def parse_known_args(self, args: Optional[Sequence[str]] = None,  # type: ignore[override]
                         namespace: Optional[argparse.Namespace] = None) -> tuple[argparse.Namespace, list[str]]:
        parsed, rest = super().parse_known_args(args, namespace)
        if hasattr(parsed, _SEEN):
            delattr(parsed, _SEEN)
        return parsed, rest

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"LỖI: {translate_error(message)}. Xem: {self.prog} --help\n")


# -- units: names and codes accepted the same way by every command --------------------------
def province_code(index: UnitIndex, text: str) -> int:
    """A province from its code or its name (with or without diacritics)."""
    code = resolve_province(index, str(text))
    if code is None:
        raise CliError(f"không nhận ra tỉnh “{text}” (xem: python -m bot units provinces)", 2)
    return code


def province_codes(index: UnitIndex, texts: Optional[Sequence[str]]) -> list[int]:
    return sorted({province_code(index, t) for t in texts or ()})


def commune_code(index: UnitIndex, text: str, provinces: Sequence[int] = ()) -> int:
    """A commune from its code, or its name (within ``provinces`` when given)."""
    found = index.match(text, provinces)
    if found is not None:
        return found.code
    if str(text).strip().isdigit():
        raise CliError(f"không có xã mã {str(text).strip()} (xem: python -m bot units communes --province TỈNH)", 2)
    raise CliError(f"không tìm thấy xã “{text}” (ghi mã xã, hoặc thêm --province)", 2)


def units_of(services: Any) -> UnitIndex:
    """The unit index, seeding the provinces and communes first on a fresh database."""
    from sqlalchemy import select

    from store.models import Province
    from store.people.units import seed_units

    with services.session_factory() as session:
        empty = session.scalar(select(Province.code).limit(1)) is None
    if empty:
        seed_units(services)
    return unit_index(services)


def os_reason(exc: OSError) -> str:
    """Why a file could not be written or read, in Vietnamese (the system's text is English)."""
    return {errno.EACCES: "không có quyền ghi", errno.EPERM: "không có quyền ghi", errno.ENOSPC: "hết chỗ trống trên đĩa",
            errno.ENOENT: "không có thư mục này", errno.EROFS: "ổ đĩa chỉ đọc", errno.EISDIR: "đó là một thư mục",
            errno.ENOTDIR: "đường dẫn không phải thư mục"}.get(exc.errno or 0, "lỗi ghi tệp")


def with_import_hint(reasons: list[str]) -> list[str]:
    """Reasons nobody is reached, pointing at ``officers import`` when there is nobody listed."""
    return [f"{r} (nạp danh sách bằng: python -m bot officers import TỆP)" if r == NO_OFFICERS else r
            for r in reasons]


def warn(message: str) -> None:
    print(f"CẢNH BÁO: {message}", file=sys.stderr)
