"""Several `python -m bot outbox` workers on one PostgreSQL against a fake Bot API that enforces
Telegram's limits: the pace is global, a killed sender's claims are taken over within 5 s,
the minute sweep moves to the survivor, SIGTERM finishes the sends in flight."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import func, select

from benchmarks import broadcast as bench
from bot.services import build_services
from core.settings import Settings
from store.models import OutboxMessage
from tests.e2e.fakebotapi import FakeBotAPI
from tests.pgserver import fresh_database, postgres_url


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = postgres_url()
    if base is None:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL required (REQUIRE_POSTGRES set) but none available")
        pytest.skip("no PostgreSQL available")
    with fresh_database(base) as url:
        yield url


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=url, data_dir=tmp_path / "d", load_samples=False)


def sending_rows(settings: Settings) -> dict[int, str]:
    """Rows claimed right now, by id, with the claiming worker id."""
    services = build_services(settings, startup=False)
    try:
        with services.session_factory() as s:
            return {i: w for i, w in s.execute(select(OutboxMessage.id, OutboxMessage.claimed_by)
                                               .where(OutboxMessage.state == "sending"))}
    finally:
        services.session_factory.kw["bind"].dispose()


def row_states(settings: Settings, ids: list[int]) -> set[str]:
    services = build_services(settings, startup=False)
    try:
        with services.session_factory() as s:
            return set(s.scalars(select(OutboxMessage.state).where(OutboxMessage.id.in_(ids))))
    finally:
        services.session_factory.kw["bind"].dispose()


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with open(log, "ab") as fh:
        return subprocess.Popen([sys.executable, "-m", "bot", "outbox", *args], cwd=bench.REPO, env=env,
                                stdout=fh, stderr=subprocess.STDOUT)


async def test_two_workers_keep_the_pace_together_nothing_lost_or_doubled(pg_url: str, tmp_path: Path) -> None:
    result = await bench.run(300, 0.02, kill=False, workdir=tmp_path, workers=2, progress=False,
                             database_url=pg_url)
    print("\n".join(result.lines()))
    assert (result.lost, result.duplicated) == (0, 0)
    assert result.max_window <= 30 and result.max_chat_window <= 1
    assert result.share_429 < 0.01
    assert result.states == {"sent": 294, "blocked": 6}


IN_FLIGHT = 4  # the sender's concurrent sends: all of them hang before the kill


def claims_of(settings: Settings, worker: str) -> int:
    """How many rows the given worker still holds."""
    services = build_services(settings, startup=False)
    try:
        with services.session_factory() as s:
            return s.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.state == "sending", OutboxMessage.claimed_by == worker)) or 0
    finally:
        services.session_factory.kw["bind"].dispose()


def settled(settings: Settings) -> int:
    services = build_services(settings, startup=False)
    try:
        with services.session_factory() as s:
            return s.scalar(select(func.count()).select_from(OutboxMessage)
                            .where(OutboxMessage.state.in_(("sent", "blocked")))) or 0
    finally:
        services.session_factory.kw["bind"].dispose()


async def test_a_killed_senders_claims_are_taken_over_within_5_seconds(pg_url: str, tmp_path: Path) -> None:
    settings = settings_for(pg_url, tmp_path)
    chats = bench.seed(settings, 120)
    async with FakeBotAPI(bench.TOKEN, enforce_limits=True) as api:
        env = bench.worker_env(settings, api.url) | {"OUTBOX_MAX_IN_FLIGHT": str(IN_FLIGHT)}
        procs = [start(env, tmp_path / f"w{i}.log", "--until-empty", "--no-sweep") for i in range(2)]
        try:
            await api.wait_until(lambda: api.status_totals()[200] >= 20, timeout=60)
            api.hang_methods.add("sendMessage")  # from now on the sender's calls stay in flight

            # Kill once every slot holds a hung call and every answered send is recorded: then no
            # answer can land unrecorded (a legitimate at-least-once duplicate) and flake the test.
            def only_hung_calls_open() -> bool:
                return (sum(1 for c in api.calls if c.status is None) >= IN_FLIGHT
                        and settled(settings) == api.status_totals()[200])

            await api.wait_until(only_hung_calls_open, timeout=30)
            claimed = await asyncio.to_thread(sending_rows, settings)
            (worker,) = set(claimed.values())
            pid = int(worker.split(":")[1])
            (sender,) = [p for p in procs if p.pid == pid]
            sender.send_signal(signal.SIGKILL)
            sender.wait()
            killed_at = time.monotonic()
            api.hang_methods.clear()
            # The figure of issue 12: the survivor takes the dead worker's claims back within 5 s
            # (it takes the sender role within about a second and puts them back at once).
            while await asyncio.to_thread(claims_of, settings, worker):
                assert time.monotonic() - killed_at < 5.0, "claims not taken over within 5 s"
                await asyncio.sleep(0.1)
            survivor = next(p for p in procs if p is not sender)
            assert await asyncio.wait_for(asyncio.to_thread(survivor.wait), 60) == 0
            assert await asyncio.to_thread(row_states, settings, list(claimed)) == {"sent"}
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
        # Calls hung at the kill never got an answer: every officer got the notice exactly once.
        assert [c for c in chats if api.counts[c][200] != 1] == []


async def test_the_sweep_moves_to_the_other_worker_when_its_holder_is_killed(pg_url: str, tmp_path: Path) -> None:
    settings = settings_for(pg_url, tmp_path)
    build_services(settings, startup=False).session_factory.kw["bind"].dispose()  # migrate once
    marker = "this worker runs the minute sweep now"
    async with FakeBotAPI(bench.TOKEN) as api:
        env = {**bench.worker_env(settings, api.url), "LOG_LEVEL": "INFO", "SWEEP_INTERVAL_SECONDS": "1"}
        logs = [tmp_path / f"w{i}.log" for i in range(2)]
        procs = [start(env, log) for log in logs]
        try:
            deadline = time.monotonic() + 60
            while not any(marker in log.read_text(errors="replace") for log in logs):
                assert time.monotonic() < deadline, "no worker took the sweep"
                await asyncio.sleep(0.1)
            holder = next(i for i, log in enumerate(logs) if marker in log.read_text(errors="replace"))
            other = 1 - holder
            procs[holder].send_signal(signal.SIGKILL)
            procs[holder].wait()
            killed_at = time.monotonic()
            while marker not in logs[other].read_text(errors="replace"):
                assert time.monotonic() - killed_at < 60, "the sweep did not resume within a minute"
                await asyncio.sleep(0.1)
            assert time.monotonic() - killed_at < 10  # one sweep interval (1 s here) and the lock's release
            # Exactly one worker held the sweep at any time: the survivor took it only after the kill.
            assert len(re.findall(marker, logs[other].read_text(errors="replace"))) == 1
            procs[other].send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(asyncio.to_thread(procs[other].wait), 30) == 0
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()


async def test_sigterm_finishes_the_sends_in_flight(tmp_path: Path) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path)
    bench.seed(settings, 60)
    async with FakeBotAPI(bench.TOKEN, enforce_limits=True) as api:
        api.delay["sendMessage"] = 0.5  # every send is in flight for half a second
        proc = start(bench.worker_env(settings, api.url), tmp_path / "w.log", "--no-sweep")
        try:
            await api.wait_until(lambda: api.status_totals()[200] >= 10, timeout=60)
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(asyncio.to_thread(proc.wait), 30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
        accepted = api.status_totals()[200]
        assert all(c.status is not None for c in api.calls)  # nothing was cut off mid-call
    services = build_services(settings, startup=False)
    with services.session_factory() as s:
        states = [st for st in s.scalars(select(OutboxMessage.state))]
    assert "sending" not in states  # every call in flight was answered and recorded
    assert states.count("sent") == accepted
