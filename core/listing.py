"""Lists on channels that show buttons: each entry once, under the text, its button labelled by number.

A handler gives each button of a list the entry it stands for (``Button.detail``). Channels of
numbered choices (Zalo, console) print the entries as the choices themselves
(``core.choices.numbered_text``); a channel with buttons (Telegram) gets the entries numbered
under the text and a short numbered label on each button, so nothing is listed twice.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core.types import Button, Reply


def with_listed_details(reply: Reply) -> Reply:
    """The reply with its buttons' entries numbered under the text (unchanged when none has one)."""
    numbered: dict[int, int] = {}  # id of a detailed button → its number among all buttons
    for n, button in enumerate((b for row in reply.buttons for b in row), 1):
        if button.detail:
            numbered[id(button)] = n
    if not numbered:
        return reply
    entries = [f"{numbered[id(b)]}. {b.detail}" for row in reply.buttons for b in row if id(b) in numbered]
    rows = [[_labelled(b, numbered.get(id(b))) for b in row] for row in reply.buttons]
    text = "\n".join(part for part in (reply.text, "\n".join(entries)) if part)
    return replace(reply, text=text, buttons=rows)


def _labelled(button: Button, number: int | None) -> Button:
    """The button with its entry's number, unless its label already names it ("Sửa câu 3")."""
    if number is None or re.search(rf"(?<!\d){number}(?!\d)", button.text):
        return button
    return Button(f"{number}. {button.text}", button.data, button.detail)
