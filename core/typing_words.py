"""Instructions written for tapping, rewritten for typing on channels whose buttons are numbered lines.

Handlers write one text for every channel, in Telegram's words: "bấm “Gửi”". On Zalo and in
the console there is nothing to tap, so the renderer of numbered choices turns a named button
into the number to type ("gõ 2 (“Gửi”)"), and any other "bấm" into "gõ". A number question
(where typed numbers are answers) names its choices by their words instead ("gõ “bỏ qua”").
"""

from __future__ import annotations

import re
from functools import partial

# Emoji and arrows around a label ("📤 Gửi", "Bỏ qua »") are not what a handler quotes.
_DECOR = re.compile(r"^[^\wÀ-ỹ]+|[^\wÀ-ỹ]+$")
_TAP = re.compile(r"\b([Bb])ấm( vào| nút)?\b")


def bare_label(label: str) -> str:
    """A button's words without the emoji or arrows around them."""
    return _DECOR.sub("", label).strip()


def for_typing(text: str, labels: list[tuple[int, str]], *, numbers_answer: bool = False) -> str:
    """``text`` with "bấm “X”" made "gõ N (“X”)" for each numbered button (N, label) and every other
    "bấm" made "gõ"; with ``numbers_answer`` a button is named by its words: "gõ “x”"."""
    for number, label in labels:
        words = bare_label(label)
        if not words:
            continue
        quoted = re.compile(rf"\b([Bb])ấm(?: vào)?(?: nút)? “{re.escape(words)}”")
        how = f"“{words.lower()}”" if numbers_answer else f"{number} (“{words}”)"
        text = quoted.sub(partial(_typed_choice, how), text)
    # Without choices of its own the text may speak of another channel's button ("mở Telegram và
    # bấm «Đồng ý liên kết»"): only a text offering choices here is rewritten throughout.
    return _TAP.sub(_typed, text) if labels else text


def _typed_choice(how: str, m: re.Match[str]) -> str:
    return f"{'G' if m.group(1) == 'B' else 'g'}õ {how}"


def _typed(m: re.Match[str]) -> str:
    """"bấm" → "gõ"; "bấm vào X" → "gõ số của X"; "bấm nút …" → "gõ số của lựa chọn …"."""
    verb = "Gõ" if m.group(1) == "B" else "gõ"
    return {None: verb, " vào": f"{verb} số của", " nút": f"{verb} số của lựa chọn"}[m.group(2)]
