"""/phongtrao: running campaigns first (ordered by end date), then upcoming, then ended."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from handlers.directives.campaigns import NONE_CURRENT, CampaignEntry, campaign_order
from tests.handlers.directives.docworld import Bot, datas


@pytest.fixture
def bot(database_url: str, tmp_path: Path, clock) -> Bot:
    return Bot(database_url, tmp_path, clock)


async def test_phongtrao_after_every_period_ended(bot: Bot, clock) -> None:
    clock.set(datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc))
    reply = await bot.send(command="phongtrao")
    lines = reply.text.splitlines()
    assert lines[0] == NONE_CURRENT and lines[1] == "Đã hết thời hạn:"
    # Latest-ending first: the 2021-2025 campaigns, then 2023, ... with their source documents.
    assert "“Xây dựng nông thôn mới” (2021-2025)" in reply.text
    assert "Nguồn: Chỉ thị 02/CT-UBND ngày 30/1/2020 của UBND tỉnh Lai Châu" in reply.text
    assert reply.text.index("(2021-2025)") < reply.text.index("(năm 2023)") < reply.text.index("(2017-2020)")
    assert "pt:1" in datas(reply) and any(d.startswith("doc:") for d in datas(reply))
    later = await bot.send(button="pt:3")
    assert "không ghi thời hạn" in later.text or "Đã hết thời hạn" in later.text


async def test_phongtrao_current_first_at_other_dates(bot: Bot, clock) -> None:
    clock.set(datetime(2020, 6, 1, 3, 0, tzinfo=timezone.utc))
    reply = await bot.send(command="phongtrao")
    assert reply.text.startswith("Đang trong thời hạn:")
    current = reply.text.split("Đã hết thời hạn:")[0]
    assert "Lai Châu chung tay vì người nghèo" in current and "(2016-2020)" in current
    assert "Doanh nghiệp Lai Châu hội nhập và phát triển" in current
    assert NONE_CURRENT not in reply.text
    clock.set(datetime(2023, 5, 1, 3, 0, tzinfo=timezone.utc))
    reply = await bot.send(command="phongtrao")
    current = reply.text.split("Đã hết thời hạn:")[0]
    assert "Đảng bộ, Chính quyền và Nhân dân các dân tộc thành phố Lai Châu" in current
    assert "Lai Châu chung tay vì người nghèo" not in current


def test_running_campaigns_ordered_by_end_date_and_stable() -> None:
    on = date(2026, 6, 1)
    entries = [CampaignEntry("Đã xong", date(2020, 1, 1), date(2025, 12, 31)),
               CampaignEntry("Hết năm sau", date(2026, 1, 1), date(2027, 12, 31), mine=True),
               CampaignEntry("Hết năm nay", date(2026, 1, 1), date(2026, 12, 31)),
               CampaignEntry("Sắp tới", date(2026, 9, 1), date(2027, 1, 1)),
               CampaignEntry("Bằng hạn B", date(2025, 1, 1), date(2026, 12, 31)),
               CampaignEntry("Không rõ")]
    names = [e.name for e in sorted(entries, key=lambda e: campaign_order(e, on))]
    assert names == ["Bằng hạn B", "Hết năm nay", "Hết năm sau", "Sắp tới", "Đã xong", "Không rõ"]
    assert names == [e.name for e in sorted(reversed(entries), key=lambda e: campaign_order(e, on))]
