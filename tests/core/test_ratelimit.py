"""Per-user rate limit in the core: one polite notice, then silence until the window passes;
a flood from one user does not delay another's reply beyond a bound. Time is a FakeClock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.services import build_services
from core.context import Context
from core.dispatch import BotCore
from core.router import Router
from core.settings import Settings
from core.types import Incoming, Reply, UserRef

FLOODER = UserRef("test", "1", "1", "Flooder")
OTHER = UserRef("test", "2", "2", "Other")
SEARCH_COST = timedelta(seconds=0.7)  # a 4,000-letter question cost this much search time before


def _core(database_url: str, tmp_path: Path, clock, handled: list[str]) -> BotCore:
    settings = Settings(_env_file=None, database_url=database_url, data_dir=tmp_path / "d", load_samples=False,
                        rate_limit_messages=5, rate_limit_window_seconds=60)
    router = Router()

    async def answer(ctx: Context) -> list[Reply]:
        handled.append(ctx.user.external_id)
        clock.jump(SEARCH_COST)  # the pipeline is sequential: the next update waits this long
        return [Reply(text=f"trả lời {ctx.msg.text}")]

    router.text_fallback(answer)
    return BotCore(build_services(settings, clock, startup=False), router)


@pytest.fixture
def handled() -> list[str]:
    return []


async def test_notice_once_then_silence_until_the_window_passes(database_url: str, tmp_path: Path, clock,
                                                                  handled: list[str]) -> None:
    core = _core(database_url, tmp_path, clock, handled)
    replies = [await core.handle(Incoming(user=FLOODER, update_key=f"a{n}", text="hỏi")) for n in range(12)]
    assert all(r and r[0].reply.text == "trả lời hỏi" for r in replies[:5])
    assert "gửi tin nhắn nhanh quá" in replies[5][0].reply.text and "giây" in replies[5][0].reply.text
    assert all(r == [] for r in replies[6:])  # silence, but each update is recorded as processed
    assert await core.handle(Incoming(user=FLOODER, update_key="a3", text="hỏi")) == []  # a redelivery
    # A restart does not free the flooder: the count is on the user's row.
    core = _core(database_url, tmp_path, clock, handled)
    assert await core.handle(Incoming(user=FLOODER, update_key="b0", text="hỏi")) == []
    clock.jump(timedelta(seconds=61))
    out = await core.handle(Incoming(user=FLOODER, update_key="b1", text="hỏi"))
    assert out[0].reply.text == "trả lời hỏi"
    assert handled == ["1"] * 6


async def test_blocking_the_bot_is_not_counted(database_url: str, tmp_path: Path, clock, handled) -> None:
    core = _core(database_url, tmp_path, clock, handled)
    for n in range(10):
        await core.handle(Incoming(user=FLOODER, update_key=f"m{n}", membership="blocked"))
    out = await core.handle(Incoming(user=FLOODER, update_key="t", text="hỏi"))
    assert out[0].reply.text == "trả lời hỏi"


async def test_a_flood_does_not_delay_another_user_beyond_the_bound(database_url: str, tmp_path: Path, clock,
                                                                    handled: list[str]) -> None:
    core = _core(database_url, tmp_path, clock, handled)
    start = clock.now()
    flood = 300
    for n in range(flood):  # hundreds of messages queued ahead of the other user's one
        await core.handle(Incoming(user=FLOODER, update_key=f"f{n}", text="a" * 4000))
    out = await core.handle(Incoming(user=OTHER, update_key="o1", text="hỏi"))
    waited = clock.now() - start
    assert out[0].reply.text == "trả lời hỏi"
    limit = core.services.settings.rate_limit_messages
    assert handled.count("1") == limit  # the flooder got at most the limit of real work
    assert waited <= (limit + 1) * SEARCH_COST  # not flood * SEARCH_COST (210 s without the limit)
