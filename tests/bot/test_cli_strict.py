"""The command line never guesses: no abbreviations, a single-value option given twice is an
error, an unknown option is an error, each with one Vietnamese line (issue 19)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sqlalchemy import select

from bot.cli import build_parser
from store.clock import vn_datetime
from store.models import Period
from tests.bot.test_cli_newcomer import _services, run, scratch  # noqa: F401  (the fixture)

SAMPLES = Path(__file__).resolve().parents[2] / "store" / "sample"


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                out += _parsers(sub)
    return out


def test_no_parser_takes_abbreviations() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 20 and all(p.allow_abbrev is False for p in parsers)


def _add_period(capfd, *extra: str) -> tuple[int, str, str]:
    return run(capfd, "periods", "add", "--form", "thi-dua-6-thang", "--label", "Quý 3", "--open", "1/7/2026",
               "--due", "30/9/2026", *extra)


def test_abbreviated_option_is_refused_not_guessed(scratch: Path, capfd) -> None:  # noqa: F811
    assert run(capfd, "forms", "load", str(SAMPLES / "forms"))[0] == 0
    status, out, err = _add_period(capfd, "--commune", "3408", "--commune", "Bình Lư")
    assert status == 2 and out == "" and err.startswith("LỖI: cần một trong các tham số: --province --communes")
    status, out, err = _add_period(capfd, "--province", "Lai Châu", "--commune", "Bình Lư")
    assert status == 2 and out == "" and err.startswith("LỖI: không hiểu tham số: --commune Bình Lư")
    assert run(capfd, "periods", "list")[1].startswith("Chưa có kỳ báo cáo nào")


@pytest.mark.parametrize("argv", [
    ("--communes", "3408", "--communes", "Bình Lư"),
    ("--province", "Lai Châu", "--label", "Quý 4"),
])
def test_a_single_value_option_given_twice_is_an_error(scratch: Path, capfd, argv) -> None:  # noqa: F811
    assert run(capfd, "forms", "load", str(SAMPLES / "forms"))[0] == 0
    status, out, err = _add_period(capfd, *argv)
    assert status == 2 and out == ""
    assert err.startswith(f"LỖI: {argv[-2]}: chỉ được ghi một lần")


def test_an_unknown_option_is_an_error(scratch: Path, capfd) -> None:  # noqa: F811
    status, _, err = run(capfd, "units", "communes", "--province", "Lai Châu", "--tinh", "x")
    assert status == 2 and err.startswith("LỖI: không hiểu tham số: --tinh x")


@pytest.mark.parametrize("due", ["31/12/2026", "2026-12-31", "31-12-2026"])
def test_a_due_date_is_the_end_of_that_day_in_every_form(scratch: Path, capfd, due: str) -> None:  # noqa: F811
    assert run(capfd, "forms", "load", str(SAMPLES / "forms"))[0] == 0
    status, out, _ = run(capfd, "periods", "add", "--form", "thi-dua-6-thang", "--label", "Năm 2026",
                         "--province", "Lai Châu", "--open", "2026-07-01", "--due", due)
    assert status == 0 and "hạn 23:59 31/12/2026" in out
    with _services().session_factory() as s:
        assert vn_datetime(s.scalar(select(Period.open_at))) == "00:00 1/7/2026"
