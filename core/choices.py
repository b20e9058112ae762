"""Numbered choices for channels that cannot show buttons (the console, Zalo).

Buttons are rendered there as numbered lines (``numbered_text``); ``core.menus`` gives every
button its number and keeps, per user and in the database, which numbers are on screen and
in which message. ``match`` turns a typed number or a typed button label back into that
button's data, or says why it names none. The decision whether a typed text is an answer or
a choice lives in the core (``core.routing``) because only the core knows the active dialog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy.orm import Session

from core.menus import Entry, flat, fresh_menu, live, load, numbered, shown, states
from core.types import Reply
from core.typing_words import for_typing
from store.forms.fields import fold
from store.models import ChoiceMenu, User

__all__ = ["TypedChoice", "match", "numbered_text"]

NO_SUCH_CHOICE = "Không có lựa chọn số {n}. Anh/chị chọn từ {first} đến {last}."
STALE_CHOICE = ("Số {n} thuộc danh sách lựa chọn đã cũ. Anh/chị gõ lại lệnh (ví dụ /vanban, /baocao) "
                "để có danh sách mới.")
SUPERSEDED = "Số {n} thuộc danh sách lựa chọn đã cũ nên chưa làm gì. Anh/chị chọn lại theo số dưới đây."
UNDELIVERED = ("Tin nhắn có lựa chọn số {n} chưa đến được máy anh/chị nên chưa làm gì. "
               "Anh/chị xem lại và chọn theo số dưới đây.")
BY_WORDS = "Câu hỏi này không chọn bằng số: anh/chị gõ chữ của lựa chọn, ví dụ “{example}”."
_NUMBER = re.compile(r"^\s*(?:số\s*|so\s*)?([0-9]{1,4})\s*[.)]?\s*$", re.I)  # ASCII digits only
_NOT_WORD = re.compile(r"[^0-9a-z ]+")


def answer_hint(numbers: list[int]) -> str:
    """"Trả lời 1, 2 hoặc 3." – how to pick, under the numbered lines."""
    if len(numbers) == 1:
        return f"Trả lời {numbers[0]} để chọn."
    shown = [str(i) for i in numbers]
    return f"Trả lời {', '.join(shown[:-1])} hoặc {shown[-1]}."


def numbered_text(reply: Reply) -> str:
    """The reply's text with its buttons as numbered lines (empty when neither is there).

    A button's entry (``Button.detail``) is the line: the list is printed once, as the choices."""
    buttons = flat(reply)
    # The numbers core.menus gave (unique on the user's screen); 1, 2, … when none were given.
    numbers = reply.numbers if len(reply.numbers) == len(buttons) else list(range(1, len(buttons) + 1))
    by_words = reply.numbers_answer or reply.words_only
    labels = list(zip(numbers, (b.text for b in buttons)))
    lines = [for_typing(reply.text, labels, numbers_answer=by_words)] if reply.text else []
    if buttons and by_words:
        # A number question (numbers are answers) or a confirmation: choices are named by their words.
        lines.extend(f"• {b.detail or b.text}" for b in buttons)
        lines.append(f"Để chọn, gõ chữ của lựa chọn, ví dụ “{_example(buttons[0].text)}”.")
    elif buttons:
        # A label that already starts with its own number ("2. Kế hoạch…") is not numbered twice.
        lines.extend(b.text if not b.detail and b.text.startswith(f"{i}. ") else f"{i}. {b.detail or b.text}"
                     for i, b in zip(numbers, buttons))
        lines.append(answer_hint(numbers))
    return "\n".join(lines)


def _example(label: str) -> str:
    """What to type for a choice: its words before the value ("Giữ nguyên: 12" → "giữ nguyên")."""
    return label.split(":", 1)[0].strip(" «»").lower()


@dataclass(frozen=True)
class TypedChoice:
    """What a typed text means against the menu: a button, a wrong number, or a stale one."""

    number: Optional[int] = None
    data: Optional[str] = None  # the chosen button's data
    problem: Optional[str] = None  # the polite answer when the text names no current choice
    stale: bool = False  # a number typed while no menu is showing (the last one was replaced)
    menu: Optional[Reply] = None  # the choices as they stand now, shown again with a refusal

    def refusal(self) -> list[Reply]:
        return [Reply(text=self.problem or "")] + ([self.menu] if self.menu is not None else [])


def label_key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def match(session: Session, user: User, text: str) -> Optional[TypedChoice]:
    """The button a typed number or label names, or why it names none; None: plain text."""
    row = session.get(ChoiceMenu, user.id) if user.id is not None else None
    if row is None:
        return None
    entries = load(row)
    number = _NUMBER.match(text)
    if number is not None and row.numbers_answer:
        return None  # the question asked for a number: this is the answer (the dialog validates it)
    if number is not None:
        return _by_number(session, entries, int(number.group(1)))
    key = label_key(text)
    if not key:
        return None
    # "Giữ nguyên: 12" is also named by "giữ nguyên": the words before the value.
    hits = [e for e in live(entries) if key in (label_key(e.label), label_key(e.label.split(":", 1)[0]))]
    if len(hits) == 1 and shown(hits[0], states(session, [hits[0].key])):
        return TypedChoice(data=hits[0].data)
    return None


def _by_number(session: Session, entries: list[Entry], n: int) -> TypedChoice:
    """A typed number: the live choice it names if its message reached the user; else refused."""
    current = numbered(entries)
    hit = next((e for e in current if e.n == n), None)
    if hit is not None and shown(hit, states(session, [hit.key])):
        return TypedChoice(number=n, data=hit.data)
    if hit is not None:
        return TypedChoice(number=n, problem=UNDELIVERED.format(n=n), menu=fresh_menu(entries))
    if not current and live(entries):
        return TypedChoice(number=n, problem=BY_WORDS.format(example=_example(live(entries)[0].label)))
    if not current:
        return TypedChoice(number=n, problem=STALE_CHOICE.format(n=n), stale=True)
    if any(e.n == n for e in entries):
        return TypedChoice(number=n, problem=SUPERSEDED.format(n=n), menu=fresh_menu(entries))
    return TypedChoice(number=n, problem=NO_SUCH_CHOICE.format(n=n, first=current[0].n, last=current[-1].n))
