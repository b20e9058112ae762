"""Reminder policies: offsets as data, overdue steps, quiet hours, per-period overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import build_services
from core.settings import Settings
from core.reminder_policy import default_policy, make_policy, policies_for, set_policy
from core.timespec import PolicyError, QuietHours, Step
from store.clock import local
from store.db import transaction
from tests.reminders.world import add_period, build_world, vn


def test_step_parsing_and_moments() -> None:
    due = vn(2026, 6, 15, 17)
    assert Step.parse("-7d@08:00").moment(due) == vn(2026, 6, 8, 8)
    assert Step.parse("0d@8:00").key == "0d@08:00"
    assert Step.parse(" -90m ").moment(due) == vn(2026, 6, 15, 15, 30)
    assert Step.parse("-2h").key == "-120m"
    assert Step.parse("-1d").moment(due) == vn(2026, 6, 14, 17)
    for bad in ("7 ngày", "-7d@25:00", "", "-7x"):
        with pytest.raises(PolicyError):
            Step.parse(bad)


def test_default_policy_from_settings(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    policy = default_policy(settings)
    schedule = [(s.key, local(at).strftime("%d/%m %H:%M")) for s, at in policy.schedule(vn(2026, 6, 15, 17))]
    assert schedule == [("-7d@08:00", "08/06 08:00"), ("-3d@08:00", "12/06 08:00"), ("-1d@08:00", "14/06 08:00"),
                        ("0d@08:00", "15/06 08:00"), ("+1d@08:00", "16/06 08:00"), ("+2d@08:00", "17/06 08:00"),
                        ("+3d@08:00", "18/06 08:00"), ("+4d@08:00", "19/06 08:00"), ("+5d@08:00", "20/06 08:00")]


def test_due_day_step_after_an_early_deadline_is_dropped() -> None:
    policy = make_policy(["0d@08:00", "-30m"], None, 0)
    assert [s.key for s, _ in policy.schedule(vn(2026, 6, 15, 7))] == ["-30m"]


def test_positive_pre_due_offsets_are_refused() -> None:
    with pytest.raises(PolicyError):
        make_policy(["+1d@08:00"], None, 0)


def test_quiet_hours_wrap_midnight() -> None:
    q = QuietHours.parse("21:00-07:00")
    assert q.contains(vn(2026, 6, 1, 21)) and q.contains(vn(2026, 6, 2, 6, 59))
    assert not q.contains(vn(2026, 6, 1, 7)) and not q.contains(vn(2026, 6, 1, 20, 59))
    assert q.next_allowed(vn(2026, 6, 1, 23)) == vn(2026, 6, 2, 7)
    assert q.next_allowed(vn(2026, 6, 2, 3)) == vn(2026, 6, 2, 7)
    assert q.next_allowed(vn(2026, 6, 2, 9)) == vn(2026, 6, 2, 9)
    assert not QuietHours.parse("").contains(vn(2026, 6, 1, 23))


def test_period_policy_overrides_defaults(database_url: str, tmp_path: Path, clock) -> None:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d")
    services = build_services(settings, clock, startup=False)
    w = build_world(services)
    a = add_period(services, w, label="A", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15), close_at=vn(2026, 7, 1))
    b = add_period(services, w, label="B", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15), close_at=vn(2026, 7, 1))
    with transaction(services.session_factory) as s:
        set_policy(s, a, ["-2d@09:30", "-15m"], "10:00", 2, clock.now())
    with services.session_factory() as s:
        got = policies_for(s, [a, b], settings)
    assert [x.key for x in got[a].all_steps()] == ["-2d@09:30", "-15m", "+1d@10:00", "+2d@10:00"]
    assert got[b] == default_policy(settings)


def test_cli_sets_and_shows_a_period_policy(tmp_path: Path, clock, monkeypatch, capsys) -> None:
    from bot.cli import main

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    settings = Settings(_env_file=None, database_url=url, data_dir=tmp_path / "d")
    services = build_services(settings, clock, startup=False)
    w = build_world(services)
    pid = add_period(services, w, label="Kỳ CLI", open_at=vn(2026, 6, 1), due_at=vn(2026, 6, 15, 17),
                     close_at=vn(2026, 7, 1))
    for key, value in {"DATABASE_URL": url, "DATA_DIR": str(tmp_path / "d"), "LOAD_SAMPLES": "false"}.items():
        monkeypatch.setenv(key, value)
    assert main(["reminders", "policy", "--period", str(pid), "--offsets=-2d@09:00,-45m",
                 "--overdue-limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "-2d@09:00  09:00 13/06/2026" in out and "-45m  16:15 15/06/2026" in out
    assert "+1d@08:00  08:00 16/06/2026" in out and "+2d" not in out
    assert main(["reminders", "policy", "--period", str(pid), "--offsets=soon"]) == 2
