"""Button data with non-ASCII digits, or numbers too big for a column, is a forged button:
audited and answered politely, never parsed as a number nor turned into the generic error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import messages
from core.callbacks import BadCallback, OpenDocument, parse
from store.models import AuditLog
from tests.handlers.report_setup import OPEN, Chat, build_world

FORGED = ["rp:o:١٢", "rp:o:²", "rp:c:1:0:١", "sv:x:١٢", "sv:s:99999999999999999999", "cb:off:١٢", "cb:c:²",
          "reg:ok:١٢", "inv:١٢", "vb:١", "doc:1:²", "tim:x:١:abc", "bc:l:١٢", "dl:n:١٢", "dl:s:²", "more:ab:١"]


def test_button_numbers_are_ascii_digits_only() -> None:
    assert parse("doc:12") == OpenDocument(12) and parse("doc:0") == OpenDocument(0)
    for bad in ("١٢", "²", "12\n", " 12", "+12", "1_2", "", "99999999999", "-1"):
        with pytest.raises(BadCallback):
            parse(f"doc:{bad}")


@pytest.mark.parametrize("who", [1, 9])  # a commune officer and a supervisor
async def test_forged_numbers_take_the_audited_path(database_url: str, tmp_path: Path, clock, who: int) -> None:
    clock.set(OPEN + timedelta(days=9))
    world = build_world(database_url, tmp_path / "data", clock)
    chat = Chat(world.core, who)
    for data in FORGED:
        await chat.send(button=data)
        assert chat.last and messages.ERROR not in chat.said, data
    with world.core.services.session_factory() as s:
        forged = set(s.scalars(select(AuditLog.target).where(AuditLog.action == "button.forged")))
    assert {"rp:o:١٢", "rp:o:²", "reg:ok:١٢"} <= forged
    if who == 9:
        assert "cb:off:١٢" in forged
