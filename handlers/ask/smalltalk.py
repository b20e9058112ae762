"""Small talk: greetings, thanks, "who are you", goodbyes get a short human reply, not a search.

A message is small talk when, once its small-talk phrases and friendly fillers ("ạ", "nhé",
"bạn", "bot" …) are taken away, nothing is left: "Chào bạn nhé" is, "Chào mừng kỷ niệm 115
năm …" is not. Matching is on folded words, so "xin chao" and "cám ơn" count too.
"""

from __future__ import annotations

import re
from typing import Optional

from store.vn import text as vntext

INTRO = ("Tôi là trợ lý thi đua – khen thưởng: trả lời câu hỏi về các văn bản chỉ đạo và nhắc, "
         "nhận báo cáo định kỳ của xã.\nGõ /help để xem các lệnh, hoặc hỏi thẳng, ví dụ: "
         "“Ai ký Chỉ thị 02/CT-UBND?”")
REPLIES = {
    "greet": "Xin chào anh/chị! Anh/chị cần hỏi gì về văn bản hay báo cáo cứ nhắn cho tôi nhé.",
    "thanks": "Không có gì ạ. Cần gì anh/chị cứ nhắn tiếp nhé.",
    "bye": "Chào anh/chị, hẹn gặp lại!",
    "ack": "Vâng ạ. Cần hỏi gì anh/chị cứ nhắn nhé.",
    "intro": INTRO,
}
# Folded phrases by kind, longest first when matched.
PHRASES: dict[str, tuple[str, ...]] = {
    "intro": ("ban la ai", "bot la ai", "may la ai", "ban la gi", "bot la gi", "ban lam duoc gi",
              "bot lam duoc gi", "ban giup duoc gi", "bot giup duoc gi", "giup duoc gi", "lam duoc gi",
              "ban co the lam gi", "bot co the lam gi", "co the lam gi", "dung de lam gi", "de lam gi",
              "huong dan su dung", "su dung the nao", "dung the nao", "gioi thieu"),
    "thanks": ("cam on", "thank you", "thanks", "thank", "tks", "thanks you", "cam on nhieu"),
    "bye": ("tam biet", "bye", "bye bye", "hen gap lai", "chuc ngu ngon", "good bye", "goodbye", "chao tam biet"),
    "greet": ("xin chao", "chao", "hello", "hi", "helo", "alo", "a lo", "chao buoi sang", "chao buoi chieu",
              "chao buoi toi", "chuc buoi sang", "good morning", "co khoe khong", "khoe khong", "hey"),
    "ack": ("ok", "oke", "okay", "okie", "vang", "da", "duoc roi", "uh", "u", "um", "da vang", "dong y", "ro roi",
            "hieu roi", "tot", "tot qua", "hay qua"),
}
FILLERS = frozenset(
    "a a nhe nha nhe nhi oi ban bot em anh chi moi nguoi ad admin minh nhieu lam rat nay vay the "
    "nhe nhen ha ho tro to toi voi a ak ah nhaa nhee qua cho duoc".split()
)
_EMOJI_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_POSITIVE_EMOJI = set("👍👌🙏❤😊🙂😀👋✅")


def small_talk_kind(text: str) -> Optional[str]:
    """"greet" / "thanks" / "bye" / "ack" / "intro", or None when the message is more than that."""
    stripped = text.strip()
    if stripped and _EMOJI_ONLY.match(stripped):
        return "ack" if any(ch in _POSITIVE_EMOJI for ch in stripped) else None
    words = vntext.fold(stripped).split()
    if not words or len(words) > 10:
        return None
    found: list[str] = []
    i = 0
    while i < len(words):
        match = _match_at(words, i)
        if match is not None:
            kind, n = match
            found.append(kind)
            i += n
        elif words[i] in FILLERS:
            i += 1
        else:
            return None
    if not found:
        return None
    for kind in ("intro", "thanks", "bye", "greet", "ack"):  # "chào, cảm ơn nhé" is thanks
        if kind in found:
            return kind
    return None


def _match_at(words: list[str], i: int) -> Optional[tuple[str, int]]:
    best: Optional[tuple[str, int]] = None
    for kind, phrases in PHRASES.items():
        for phrase in phrases:
            p = phrase.split()
            if words[i:i + len(p)] == p and (best is None or len(p) > best[1]):
                best = (kind, len(p))
    return best


def small_talk_reply(text: str) -> Optional[str]:
    """The reply to a small-talk message; None when it is not small talk."""
    kind = small_talk_kind(text)
    return REPLIES[kind] if kind else None
