"""Slow work after an update's transaction is durable: its own row, closed with its result
or error; a stop in the middle (cancelled on SIGTERM, or a killed process whose lease ran
out) queues an apology naming the work, never silence, and never the result as well."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import select

from bot.services import build_services
from core import after_commit
from core.context import Context
from core.dispatch import BotCore
from core.router import Router
from core.settings import Settings
from core.types import Incoming, Reply, UserRef
from store.db import transaction
from store.models import AfterCommitJob, JobState, OutboxMessage, User

SUP = UserRef("test", "7", "7", "Giám sát")


def _core(database_url: str, tmp_path: Path, clock, prepare: Callable[[], Any]) -> BotCore:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False)
    router = Router()

    async def on_text(ctx: Context) -> list[Reply]:
        ctx.after_commit(prepare, lambda _ctx, value: [Reply(text=f"Đã đọc: {value}")], task="directive.read")
        return [Reply(text="Đang đọc tệp…")]

    router.text_fallback(on_text)
    return BotCore(build_services(settings, clock, startup=False), router)


def _jobs(core: BotCore) -> list[tuple[str, JobState]]:
    with core.services.session_factory() as s:
        return [(j.task, JobState(j.state)) for j in s.scalars(select(AfterCommitJob).order_by(AfterCommitJob.id))]


def _texts(core: BotCore) -> list[str]:
    with core.services.session_factory() as s:
        return [o.payload["text"] for o in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


async def test_finished_work_closes_its_row_with_the_result(database_url: str, tmp_path: Path, clock) -> None:
    async def read() -> str:
        return "Chỉ thị 02/CT-UBND"

    core = _core(database_url, tmp_path, clock, read)
    await core.handle(Incoming(user=SUP, update_key="u1", text="tệp"))
    assert _jobs(core) == [("directive.read", JobState.DONE)]
    assert _texts(core) == ["Đang đọc tệp…", "Đã đọc: Chỉ thị 02/CT-UBND"]
    await core.handle(Incoming(user=SUP, update_key="u1", text="tệp"))  # a redelivery opens nothing
    assert len(_jobs(core)) == 1


async def test_failed_work_closes_its_row_with_the_error(database_url: str, tmp_path: Path, clock) -> None:
    async def read() -> str:
        raise OSError("disk full")

    core = _core(database_url, tmp_path, clock, read)
    await core.handle(Incoming(user=SUP, update_key="u1", text="tệp"))
    assert _jobs(core) == [("directive.read", JobState.FAILED)]
    assert "hệ thống gặp lỗi" in _texts(core)[-1]


async def test_work_cancelled_by_a_stop_is_apologised_for(database_url: str, tmp_path: Path, clock) -> None:
    started = asyncio.Event()

    async def read() -> str:
        started.set()
        await asyncio.Event().wait()  # a download that never ends
        return ""

    core = _core(database_url, tmp_path, clock, read)
    task = asyncio.create_task(core.handle(Incoming(user=SUP, update_key="u1", text="tệp")))
    await asyncio.wait_for(started.wait(), 10)
    assert _jobs(core) == [("directive.read", JobState.RUNNING)]  # committed with the update
    task.cancel()  # what the inbox does to a handler still running after the stop grace
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _jobs(core) == [("directive.read", JobState.INTERRUPTED)]
    assert _texts(core)[-1] == ("Xin lỗi, bot vừa khởi động lại khi đang đọc tệp văn bản anh/chị gửi nên việc đó "
                                "chưa xong. Anh/chị vui lòng gửi lại tệp.")


async def test_work_of_a_killed_process_is_apologised_for_once_its_lease_ends(database_url: str, tmp_path: Path,
                                                                               clock) -> None:
    async def read() -> str:
        return "xong"

    core = _core(database_url, tmp_path, clock, read)
    await core.handle(Incoming(user=SUP, update_key="u0", text="tệp"))  # the user exists
    with transaction(core.services.session_factory) as s:  # what a SIGKILLed process leaves
        user = s.scalar(select(User).where(User.external_id == "7"))
        [job_id] = after_commit.open_jobs(s, user, "u1", ["export"], clock.now())
    with transaction(core.services.session_factory) as s:
        assert after_commit.recover_expired(s, clock.now()) == 0  # maybe still running elsewhere
    clock.jump(after_commit.LEASE)
    clock.jump(after_commit.LEASE / 100)
    with transaction(core.services.session_factory) as s:
        assert after_commit.recover_expired(s, clock.now()) == 1
    with transaction(core.services.session_factory) as s:
        assert after_commit.recover_expired(s, clock.now()) == 0  # once
        assert not after_commit.close_job(s, job_id, JobState.DONE, clock.now())  # a late result is dropped
    assert "đang xuất tệp Excel" in _texts(core)[-1] and "Xuất Excel" in _texts(core)[-1]


async def test_work_of_a_gone_process_on_this_host_is_apologised_for_at_once(database_url: str, tmp_path: Path,
                                                                             clock) -> None:
    async def read() -> str:
        return "xong"

    core = _core(database_url, tmp_path, clock, read)
    await core.handle(Incoming(user=SUP, update_key="u0", text="tệp"))
    alive = f"{after_commit.HOST}:1:x"  # init: alive, so only its lease can settle it
    with transaction(core.services.session_factory) as s:
        user = s.scalar(select(User).where(User.external_id == "7"))
        ids = after_commit.open_jobs(s, user, "u1", ["photo", "chart"], clock.now())
        s.get(AfterCommitJob, ids[0]).owner = f"{after_commit.HOST}:{_exited_pid()}:x"
        s.get(AfterCommitJob, ids[1]).owner = alive
    with transaction(core.services.session_factory) as s:
        assert after_commit.recover_expired(s, clock.now()) == 1
    assert _jobs(core)[-2:] == [("photo", JobState.INTERRUPTED), ("chart", JobState.RUNNING)]
    assert "đang lưu ảnh anh/chị gửi" in _texts(core)[-1]


def _exited_pid() -> int:
    """A pid that has exited (and been reaped)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
