"""Numbered choices for channels that cannot show buttons (the console, Zalo).

Buttons are rendered there as numbered lines. The core remembers, per user, the buttons of
the last message with buttons queued for them (in the database, so a restart or a second
worker knows them too) and turns a typed number or a typed button label back into that
button's data. The decision whether a typed text is an answer or a choice lives in the core
(``handlers.core``) because only the core knows the active dialog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from sqlalchemy.orm import Session

from core.types import Button, Reply
from store.forms.fields import fold
from store.models import ChoiceMenu, User

# Channels that show buttons as numbered lines and read typed numbers back.
BUTTONLESS_CHANNELS = frozenset({"console", "zalo"})
# Channels that cannot share a verified phone number (registration by invite code or request).
NO_CONTACT_CHANNELS = frozenset({"zalo"})

NO_SUCH_CHOICE = "Không có lựa chọn số {n}. Anh/chị chọn từ 1 đến {m}."
STALE_CHOICE = ("Số {n} thuộc danh sách lựa chọn đã cũ. Anh/chị gõ lại lệnh (ví dụ /vanban, /baocao) "
                "để có danh sách mới.")
_NUMBER = re.compile(r"^\s*(?:số\s*|so\s*)?([0-9]{1,4})\s*[.)]?\s*$", re.I)  # ASCII digits only
_NOT_WORD = re.compile(r"[^0-9a-z ]+")


def flat(reply: Reply) -> list[Button]:
    return [b for row in reply.buttons for b in row]


def answer_hint(count: int) -> str:
    """"Trả lời 1, 2 hoặc 3." – how to pick, under the numbered lines."""
    if count == 1:
        return "Trả lời 1 để chọn."
    numbers = [str(i) for i in range(1, count + 1)]
    return f"Trả lời {', '.join(numbers[:-1])} hoặc {numbers[-1]}."


def numbered_text(reply: Reply) -> str:
    """The reply's text with its buttons as numbered lines (empty when neither is there)."""
    buttons = flat(reply)
    lines = [reply.text] if reply.text else []
    if buttons and reply.numbers_answer:
        # A number question: numbers are answers, so choices are named by their words.
        lines.extend(f"• {b.text}" for b in buttons)
        example = buttons[0].text.split(":", 1)[0].strip(" «»")
        lines.append(f"Để chọn, gõ chữ của lựa chọn, ví dụ “{example.lower()}”.")
    elif buttons:
        # A label that already starts with its own number ("2. Kế hoạch…") is not numbered twice.
        lines.extend(b.text if b.text.startswith(f"{i}. ") else f"{i}. {b.text}" for i, b in enumerate(buttons, 1))
        lines.append(answer_hint(len(buttons)))
    return "\n".join(lines)


def remember(session: Session, user: User, reply: Reply, now: datetime, *, interactive: bool) -> None:
    """Record the numbered menu a buttonless user is about to see.

    A message with buttons becomes the menu; an interactive reply without buttons hides the
    previous menu (its numbers are then stale); a notice without buttons leaves it alone.
    """
    if user.channel not in BUTTONLESS_CHANNELS or user.id is None:
        return
    buttons = flat(reply)
    if buttons or interactive:
        _set_menu(session, user.id, buttons, now, numbers_answer=reply.numbers_answer)


def remember_notices(session: Session, notices: list[tuple[int, str, Reply]], now: datetime) -> None:
    """The menus of notices queued in bulk (reminders): (user id, channel, reply) each."""
    for user_id, channel, reply in notices:
        buttons = flat(reply)
        if channel in BUTTONLESS_CHANNELS and buttons:
            _set_menu(session, user_id, buttons, now, numbers_answer=reply.numbers_answer)


def _set_menu(session: Session, user_id: int, buttons: list[Button], now: datetime, *,
              numbers_answer: bool) -> None:
    row = session.get(ChoiceMenu, user_id)
    data = [[b.text, b.data] for b in buttons]
    if row is None:
        session.add(ChoiceMenu(user_id=user_id, buttons=data, numbers_answer=numbers_answer, created_at=now))
    else:
        row.buttons, row.numbers_answer, row.created_at = data, numbers_answer, now


@dataclass(frozen=True)
class TypedChoice:
    """What a typed text means against the menu: a button, a wrong number, or a stale one."""

    number: Optional[int] = None
    data: Optional[str] = None  # the chosen button's data
    problem: Optional[str] = None  # the polite answer when the text names no current choice
    stale: bool = False  # a number typed while no menu is showing (the last one was replaced)


def label_key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def match(session: Session, user: User, text: str) -> Optional[TypedChoice]:
    """The button a typed number or label names, or why it names none; None: plain text."""
    row = session.get(ChoiceMenu, user.id) if user.id is not None else None
    if row is None:
        return None
    buttons = row.buttons or []
    number = _NUMBER.match(text)
    if number is not None and row.numbers_answer:
        return None  # the question asked for a number: this is the answer (the dialog validates it)
    if number is not None:
        n = int(number.group(1))
        if not buttons:
            return TypedChoice(number=n, problem=STALE_CHOICE.format(n=n), stale=True)
        if 1 <= n <= len(buttons):
            return TypedChoice(number=n, data=buttons[n - 1][1])
        return TypedChoice(number=n, problem=NO_SUCH_CHOICE.format(n=n, m=len(buttons)))
    key = label_key(text)
    if not key:
        return None
    # "Giữ nguyên: 12" is also named by "giữ nguyên": the words before the value.
    hits = [data for label, data in buttons if key in (label_key(label), label_key(label.split(":", 1)[0]))]
    if len(hits) == 1:
        return TypedChoice(data=hits[0])
    return None
