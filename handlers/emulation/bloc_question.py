"""“Xã X thuộc khối nào?” answered from the dated bloc memberships, for any date.

A text filter (before the directive Q&A) and the mid-dialog question hook both ask
``bloc_answer``: it claims only texts shaped like the question (a commune name, then
“thuộc / ở / nằm trong khối / cụm (thi đua) nào”, optionally a date), so nothing else
changes for the Q&A.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Optional

from core.context import Context
from core.dialogs import QuestionHook
from core.types import Reply
from store.clock import local
from store.emulation.bloc_history import memberships_of
from store.people.units import find_communes
from store.vn.numbers import format_date, parse_date
from store.vn.text import fold

_ASK = re.compile(r"^(?P<name>.+?)\s+(?:thuoc|o|nam trong|nam o|la thanh vien)\s+(?:cua\s+)?(?:khoi|cum)"
                  r"(?:\s+thi\s+dua)?\s+(?:nao|gi|so may)\b(?P<tail>.*)$")
_DATE = re.compile(r"(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4})")
_YEAR = re.compile(r"\bnam\s+(20\d\d)\b")
_FILLER = re.compile(r"\b(?:ngay|vao|tai|luc|hien nay|bay gio|nay|cho hoi|hoi)\b")
MIN_MATCH = 80.0


def parse_question(text: str, today: date) -> Optional[tuple[str, date]]:
    """(the commune name as typed, folded; the date asked) or None when it is not this question."""
    found = _DATE.search(text)
    day = parse_date(found.group(1).replace(" ", "")) if found else None
    rest = _DATE.sub(" ", text) if found else text
    folded = fold(rest).strip(" ?")
    m = _ASK.match(folded)
    if m is None:
        return None
    year = _YEAR.search(folded)
    if day is None and year is not None:
        asked_year = int(year.group(1))
        day = today if asked_year == today.year else date(asked_year, 12, 31)
    name = " ".join(_FILLER.sub(" ", _YEAR.sub(" ", m.group("name"))).split())
    return (name, day or today) if name else None


def bloc_answer(ctx: Context, text: str) -> Optional[list[Reply]]:
    """The answer, or None when the text is not “X thuộc khối nào”."""
    asked = parse_question(text, local(ctx.now).date())
    if asked is None:
        return None
    name, day = asked
    province = ctx.officer.commune.province_code if ctx.officer is not None and ctx.officer.commune else None
    matches = [m for m in find_communes(ctx.services.units or ctx.session, name, province_code=province, limit=3)
               if m.score >= MIN_MATCH]
    if not matches:
        return [Reply(text=f"Không tìm thấy xã, phường tên “{name}”. Anh/chị gõ lại tên, ví dụ: "
                           "“Xã Tam Đường thuộc khối nào?”")]
    commune = matches[0]
    rows = memberships_of(ctx.session, commune.code, day.year)
    if not rows:
        return [Reply(text=f"{commune.label} chưa được xếp vào khối thi đua nào năm {day.year}.")]
    current = [r for r in rows if r.covers(day)]
    lines = [f"Ngày {format_date(day)}, {commune.name} thuộc {current[0].bloc_name}." if current
             else f"Ngày {format_date(day)}, {commune.name} không thuộc khối thi đua nào."]
    if len(rows) > 1 or not current:
        lines.append(f"Trong năm {day.year}:")
        for r in rows:
            until = f" đến hết {format_date(r.last_day)}" if r.end is not None else ""
            lines.append(f"• Từ {format_date(r.start)}{until}: {r.bloc_name}")
    return [Reply(text="\n".join(lines))]


async def bloc_filter(ctx: Context) -> Optional[list[Reply]]:
    """The router's text filter: claim the bloc question before the Q&A sees it."""
    return bloc_answer(ctx, ctx.msg.text or "")


def before(question: QuestionHook) -> QuestionHook:
    """The mid-dialog question hook with the bloc question answered first."""
    def hook(ctx: Context, text: str) -> Optional[list[Reply]]:
        return bloc_answer(ctx, text) or question(ctx, text)
    return hook
