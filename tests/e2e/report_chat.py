"""Helpers for report e2e tests: seed a bot's database, talk to it through the fake Bot API."""

from __future__ import annotations

import re

from datetime import datetime
from typing import Callable, Optional

from sqlalchemy import select

from store.db import transaction
from store.forms.versions import load_form
from store.models import User
from store.reporting.periods import create_period
from tests.e2e.fakebotapi import Call, FakeBotAPI, FakeUser
from tests.handlers.report_setup import CLOSE, DUE, OPEN, PROVINCE, SAMPLE_FORMS, add_officer, seed_units

AN = FakeUser(id=5001, first_name="An", last_name="Lò Văn")
BINH = FakeUser(id=5002, first_name="Bình", last_name="Tòng Thị")
CHU = FakeUser(id=5003, first_name="Chứ", last_name="Vàng A")


def seed(session_factory, now: datetime, *, real_units: bool = False) -> int:
    """Units, three officers linked to Telegram users, the sample form, an open period; returns its id."""
    with transaction(session_factory) as s:
        seed_units(s)
        for user, commune, name in ((AN, 3001, "Lò Văn An"), (BINH, 3001, "Tòng Thị Bình"), (CHU, 3002, "Vàng A Chứ")):
            officer = add_officer(s, now, user=user.id, name=name, commune=commune)
            row = s.scalar(select(User).where(User.external_id == str(user.id)))
            row.channel = "telegram"
            officer.telegram_id = str(user.id)
        form, _ = load_form(s, (SAMPLE_FORMS / "thi-dua-6-thang.yaml").read_text(encoding="utf-8"), now)
        period = create_period(s, form=form, label="6 tháng đầu năm 2026", province_code=PROVINCE,
                               open_at=OPEN, due_at=DUE, close_at=CLOSE, now=now)
        return period.id


class TgChat:
    """One Telegram user: push something, wait for the bot's next message(s)."""

    def __init__(self, api: FakeBotAPI, user: FakeUser) -> None:
        self.api, self.user = api, user
        self.last: Optional[Call] = None

    def _count(self) -> int:
        return len(self.api.sent(self.user.id))

    async def _do(self, push: Callable[[], object], replies: int = 1, timeout: float = 20) -> Call:
        before = self._count()
        push()
        calls = await self.api.wait_for(self.user.id, count=before + replies, timeout=timeout)
        self.last = calls[-1]
        return self.last

    async def cmd(self, name: str, replies: int = 1) -> Call:
        return await self._do(lambda: self.api.push_command(self.user, name), replies)

    async def text(self, text: str, replies: int = 1) -> Call:
        return await self._do(lambda: self.api.push_message(self.user, text), replies)

    async def press(self, label: str, replies: int = 1) -> Call:
        data = self.find(label)
        return await self._do(lambda: self.api.push_callback(self.user, data), replies)

    async def data(self, data: str, replies: int = 1) -> Call:
        return await self._do(lambda: self.api.push_callback(self.user, data), replies)

    async def photo(self, content: bytes, replies: int = 1) -> Call:
        return await self._do(lambda: self.api.push_photo(self.user, content), replies)

    async def document(self, content: bytes, name: str, mime: str, replies: int = 1) -> Call:
        return await self._do(lambda: self.api.push_document(self.user, content, file_name=name, mime_type=mime),
                              replies)

    async def location(self, lat: float, lon: float, replies: int = 1) -> Call:
        return await self._do(lambda: self.api.push_location(self.user, lat, lon), replies)

    def find(self, label: str) -> str:
        assert self.last is not None
        for b in self.last.inline_buttons:
            text = re.sub(r"^\d+\. ", "", b["text"])  # a list's button carries its entry's number
            if text == label or text.startswith(label):
                return b["callback_data"]
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.last.inline_buttons]}")

    @property
    def said(self) -> str:
        return self.last.text if self.last else ""

    def texts(self, n: int) -> str:
        return "\n".join(c.text for c in self.api.sent(self.user.id)[-n:])
