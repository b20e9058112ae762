"""Titles history in chat, answered from the records (approved nominations, their decisions and
the published rankings), never from the directives' text:

- “Xã Bản Hon năm 2025 đạt danh hiệu gì?” — the titles with their decisions cited;
- “Khối 3 năm nay xã nào dẫn đầu?” — the first place of the bloc's published ranking;
- “Những xã nào đạt Tập thể lao động xuất sắc hai năm liền?” — runs of consecutive years.

A text filter and the mid-dialog question hook ask ``awards_answer``; it claims only texts
shaped like these questions, so nothing else changes for the Q&A.
"""

from __future__ import annotations

import re
from typing import Optional

from core.context import Context
from core.dialogs import QuestionHook
from core.types import Reply
from handlers.emulation.words import num
from store.awards.history import Award, awards_of, bloc_leaders, bloc_named, known_titles, runs
from store.awards.nominations import published_ranking
from store.clock import local, vn_date
from store.emulation.titles import current_catalogue
from store.people.units import CommuneMatch, find_communes
from store.vn.text import fold

_YEAR = r"(?:\s+(?:nam\s+)?(?P<year>20\d\d|nay)\b)?"
_TITLES = re.compile(r"^(?P<name>.+?)" + _YEAR + r"\s+(?:da\s+)?(?:dat|duoc tang|duoc khen)\s+(?:nhung\s+)?"
                     r"(?:danh hieu|hinh thuc khen thuong|khen thuong|giai)\s+(?:gi|nao)\b")
_LEADER = re.compile(r"^(?P<bloc>(?:khoi|cum)\s+.+?)" + _YEAR + r"\s+(?:xa|phuong|don vi)\s+nao\s+(?:dung\s+)?"
                     r"(?:dan dau|dung dau|nhat)\b")
_RUN = re.compile(r"^(?:nhung\s+|cac\s+)?(?:xa|phuong|don vi)\s+nao\s+(?:da\s+)?dat\s+(?:danh hieu\s+)?"
                  r"(?P<title>.+?)\s+(?P<n>hai|ba|bon|nam|2|3|4|5)\s+nam\s+(?:lien|lien tiep|lien tuc)\b")
_COUNT = {"hai": 2, "ba": 3, "bon": 4, "nam": 5}
MIN_MATCH = 80.0
MAX_LINES = 8


def _year(ctx: Context, raw: Optional[str]) -> int:
    this = local(ctx.now).year
    return int(raw) if raw and raw.isdigit() else this


def _province(ctx: Context) -> Optional[int]:
    officer = ctx.officer
    if officer is None:
        return None
    if officer.commune is not None:
        return officer.commune.province_code
    provinces = sorted(p.province_code for p in officer.provinces)
    return provinces[0] if len(provinces) == 1 else None


def cite(award: Award) -> str:
    return f"{award.title_name} (Quyết định số {award.number} ngày {vn_date(award.signed_on)} của {award.level})"


def _communes(ctx: Context, name: str, year: int) -> list[CommuneMatch]:
    """Communes of that name, the units index first; when none of them has a record, the
    database's own communes too (one added after the index was built: the records decide)."""
    found = [c for c in find_communes(ctx.services.units or ctx.session, name, province_code=_province(ctx), limit=5)
             if c.score >= MIN_MATCH]
    if ctx.services.units is not None and not any(awards_of(ctx.session, c.code, year) for c in found):
        found += [c for c in find_communes(ctx.session, name, province_code=_province(ctx), limit=5)
                  if c.score >= MIN_MATCH and c.code not in {f.code for f in found}]
    return found


def _titles(ctx: Context, m: re.Match[str]) -> list[Reply]:
    name, year = " ".join(m.group("name").split()), _year(ctx, m.group("year"))
    matches = _communes(ctx, name, year)
    if not matches:
        return [Reply(text=f"Không tìm thấy xã, phường tên “{name}”.")]
    commune = next((c for c in matches if awards_of(ctx.session, c.code, year)), matches[0])
    got = awards_of(ctx.session, commune.code, year)
    if not got:
        return [Reply(text=f"Bot chưa có quyết định khen thưởng nào của {commune.name} năm {year}.")]
    lines = [f"{commune.name} năm {year} đạt:"] + [f"• {cite(a)}" for a in got]
    return [Reply(text="\n".join(lines))]


def _leader(ctx: Context, m: re.Match[str]) -> list[Reply]:
    typed, year = " ".join(m.group("bloc").split()), _year(ctx, m.group("year"))
    bloc = bloc_named(ctx.session, _province(ctx), year, typed)
    if bloc is None:
        return [Reply(text=f"Không tìm thấy khối thi đua này trong năm {year}. Anh/chị gõ như: "
                           "“Khối 1 năm nay xã nào dẫn đầu?”")]
    ranking = published_ranking(ctx.session, bloc)
    leaders = bloc_leaders(ctx.session, bloc)
    if ranking is None or ranking.published_at is None or not leaders:
        return [Reply(text=f"{bloc.name} năm {year} chưa có xếp hạng được tỉnh công bố.")]
    names = ", ".join(str(r["name"]) for r in leaders)
    tie = " (đồng hạng)" if len(leaders) > 1 else ""
    lines = [f"{bloc.name} năm {year}: dẫn đầu là {names}{tie}, {num(str(leaders[0]['final_total']))} điểm "
             f"(xếp hạng tỉnh công bố ngày {vn_date(ranking.published_at)})."]
    for row in leaders:
        lines += [f"• {row['name']}: {cite(a)}" for a in awards_of(ctx.session, int(str(row["commune_code"])), year)]
    return [Reply(text="\n".join(lines))]


def _run(ctx: Context, m: re.Match[str]) -> list[Reply]:
    typed, count = " ".join(m.group("title").split()), _COUNT.get(m.group("n")) or int(m.group("n"))
    titles = known_titles(ctx.session, _province(ctx))
    title = titles.get(fold(typed))
    if title is None:
        province = _province(ctx)
        catalogue = current_catalogue(ctx.session, province, local(ctx.now).year) if province is not None else None
        named = {fold(t.name): t.name for t in (catalogue.titles if catalogue is not None else ())}
        return [Reply(text=f"Bot chưa có quyết định nào tặng danh hiệu “{named.get(fold(typed), typed)}”.")]
    found = runs(ctx.session, _province(ctx), fold(title), count)
    if not found:
        return [Reply(text=f"Chưa có xã nào đạt “{title}” {count} năm liền theo các quyết định bot đã ghi.")]
    lines = [f"Các xã đạt “{title}” {count} năm liền trở lên:"]
    for run in found[:MAX_LINES]:  # a phone screen
        decisions = "; ".join(f"{a.year}: QĐ {a.number}" for a in run[-3:])
        lines.append(f"• {run[0].commune_name} ({run[0].year}–{run[-1].year}; {decisions})")
    if len(found) > MAX_LINES:
        lines.append(f"… và {len(found) - MAX_LINES} xã khác.")
    return [Reply(text="\n".join(lines))]


def awards_answer(ctx: Context, text: str) -> Optional[list[Reply]]:
    """The answer, or None when the text is none of these questions."""
    folded = " ".join(fold(text).strip(" ?.!").split())
    for pattern, answer in ((_RUN, _run), (_LEADER, _leader), (_TITLES, _titles)):
        m = pattern.match(folded)
        if m is not None:
            return answer(ctx, m)
    return None


async def awards_filter(ctx: Context) -> Optional[list[Reply]]:
    return awards_answer(ctx, ctx.msg.text or "")


def before(question: QuestionHook) -> QuestionHook:
    """The mid-dialog question hook with the titles questions answered first."""
    def hook(ctx: Context, text: str) -> Optional[list[Reply]]:
        return awards_answer(ctx, text) or question(ctx, text)
    return hook
