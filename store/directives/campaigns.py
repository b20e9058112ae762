"""Campaigns named in quotes (with their periods), the document's theme, and reporting duties."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from store.directives.text import UPPER, fold, sentences

_QUOTES = re.compile(r"“(?P<a>[^“”\n]{4,500})”|\"(?P<b>[^\"\n]{4,500})\"")
_SEPARATOR_ONLY = re.compile(r"^[\s,;]*(?:và|hoặc)?[\s,;]*$")
_CAMPAIGN_WORDS = re.compile(r"(phong trào|cuộc vận động|chủ đề|phương châm)", re.I)
_LAUNCHED_BY_OTHERS = re.compile(r"\b(do|đã|được)\b[^.;“”]{0,80}phát động", re.I)
_RANGE = r"\(?\s*(?P<y1>(?:19|20)\d\d)\s*[-–—]\s*(?P<y2>(?:19|20)\d\d)\s*\)?"
_PERIOD_AFTER = re.compile(
    rf"^[\s,]*(?:(?:giai đoạn|nhiệm kỳ|thời kỳ|trong giai đoạn)\s*{_RANGE}|{_RANGE.replace('y1', 'y3').replace('y2', 'y4')}"
    r"|(?:trong\s+)?năm\s+(?P<year>(?:19|20)\d\d))", re.I)
_PERIOD_INSIDE = re.compile(rf"(?:giai đoạn|nhiệm kỳ)\s*{_RANGE}\s*$|năm\s+(?P<year>(?:19|20)\d\d)\s*$", re.I)


@dataclass
class ParsedCampaign:
    name: str
    kind: str = "phong trào"
    period_text: Optional[str] = None
    start_date: Optional[date] = None
    end_date: Optional[date] = None


@dataclass
class ParsedDuty:
    text: str
    frequencies: list[str] = field(default_factory=list)


def _period(y1: int, y2: Optional[int] = None) -> tuple[str, date, date]:
    if y2 is None or y2 == y1:
        return f"năm {y1}", date(y1, 1, 1), date(y1, 12, 31)
    return f"{y1}-{y2}", date(y1, 1, 1), date(y2, 12, 31)


def _period_from(m: re.Match[str]) -> Optional[tuple[str, date, date]]:
    groups = m.groupdict()
    for a, b in (("y1", "y2"), ("y3", "y4")):
        if groups.get(a):
            y1, y2 = int(groups[a]), int(groups[b])
            return _period(y1, y2) if y1 <= y2 else None
    if groups.get("year"):
        return _period(int(groups["year"]))
    return None


def _sentence_start(text: str, pos: int) -> int:
    cut = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), text.rfind(": ", 0, pos - 60 if pos > 60 else 0))
    return cut + 1 if cut >= 0 else 0


def _continues_list(between: str) -> bool:
    """Only separators (and maybe the previous item's period) lie between two quotes of a list."""
    period = _PERIOD_AFTER.match(between)
    rest = between[period.end():] if period else between
    return _SEPARATOR_ONLY.match(rest) is not None


def _period_of(body: str, m: re.Match[str], name: str, launched_here: bool,
               doc_year: Optional[int]) -> Optional[tuple[str, date, date]]:
    """A period right after the quote, a range inside the name, the launch year, or a year ending the name."""
    after = _PERIOD_AFTER.match(body[m.end():m.end() + 60])
    if after and (period := _period_from(after)):
        return period
    inside = re.search(_RANGE, name)
    if inside and (period := _period_from(inside)):
        return period
    if launched_here and doc_year:
        return _period(doc_year)
    inside = _PERIOD_INSIDE.search(name)
    return _period_from(inside) if inside else None


def find_campaigns(body: str, doc_year: Optional[int],
                   preamble_len: int = 0) -> tuple[list[ParsedCampaign], Optional[str]]:
    """Campaigns quoted after "phong trào"/"cuộc vận động" (and lists continuing them), and the theme
    (a "chủ đề" the document launches, or one quoted in its opening text)."""
    found: dict[str, ParsedCampaign] = {}
    theme: Optional[str] = None
    prev_end, prev_was_campaign = -1, False
    for m in _QUOTES.finditer(body):
        name = " ".join((m.group("a") or m.group("b")).split()).strip(" ,;.")
        start = _sentence_start(body, m.start())
        context = body[start:m.start()]
        in_list = prev_was_campaign and _continues_list(body[prev_end:m.start()])
        prev_end, prev_was_campaign = m.end(), False
        words = _CAMPAIGN_WORDS.findall(context[-120:])
        nearest = words[-1].lower() if words else ""
        just_before = body[max(0, m.start() - 25):m.start()].lower()
        valid = not re.match(r"(?i)về\b", name) and (  # "… về “Tiếp tục đổi mới …”" cites a title
            re.match(rf"[{UPPER}0-9]", name) is not None or re.search(r"phong trào|thi đua|vận động", just_before))
        if not valid or not (in_list or nearest):
            continue
        launched_here = "phát động" in context.lower() and not _LAUNCHED_BY_OTHERS.search(context)
        if nearest in ("chủ đề", "phương châm") and not in_list:
            if theme is None and (launched_here or m.start() < preamble_len):
                theme = name
            if not (launched_here and "phong trào" in context.lower()):
                continue  # a slogan, not a campaign
        prev_was_campaign = True
        kind = "cuộc vận động" if nearest == "cuộc vận động" and not in_list else "phong trào"
        campaign = found.setdefault(fold(name), ParsedCampaign(name=name[:1].upper() + name[1:], kind=kind))
        period = _period_of(body, m, name, launched_here, doc_year)
        if period and campaign.period_text is None:
            campaign.period_text, campaign.start_date, campaign.end_date = period
    return list(found.values()), theme


_LAUNCH = re.compile(r"phát động\s+(?P<name>phong trào thi đua[^.;:,“”\"()]{0,90}?)\s+năm\s+(?P<year>(?:19|20)\d\d)\b",
                     re.I)


def find_launch(title: str, preamble: str) -> Optional[ParsedCampaign]:
    """The unquoted campaign the document itself launches for a year ("phát động phong trào thi đua
    yêu nước năm 2021"), from the title or the opening text; None when launched by someone else."""
    for text in (title, preamble):
        for m in _LAUNCH.finditer(text):
            before = text[max(0, m.start() - 80):m.start() + len("phát động")]
            if _LAUNCHED_BY_OTHERS.search(before):
                continue
            name = " ".join(f"{m.group('name')} năm {m.group('year')}".split())
            text_period = _period(int(m.group("year")))
            return ParsedCampaign(name=name[:1].upper() + name[1:], period_text=text_period[0],
                                  start_date=text_period[1], end_date=text_period[2])
    return None


_FREQUENCIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(\d{1,2}|sáu|ba|chín)\s+tháng\b(?!\s*\d)", re.I), ""),
    (re.compile(r"\b(hằng|hàng|theo|từng)\s+quý\b", re.I), "quý"),
    (re.compile(r"\b(hằng|hàng)\s+tháng\b", re.I), "tháng"),
    (re.compile(r"\b(tổng kết|hằng|hàng|cuối)\s+năm\b", re.I), "năm"),
    (re.compile(r"\bđột xuất\b", re.I), "đột xuất"),
]
_WORD_NUMBERS = {"sáu": "6", "ba": "3", "chín": "9"}


def find_duties(body: str) -> list[ParsedDuty]:
    """Sentences that oblige a report ("báo cáo định kỳ 6 tháng, tổng kết năm") and their frequencies."""
    duties: list[ParsedDuty] = []
    for sentence in sentences(body):
        low = sentence.lower()
        if "báo cáo" not in low:
            continue
        hits: list[tuple[int, str]] = []
        for rx, label in _FREQUENCIES:
            for m in rx.finditer(sentence):
                if not label:
                    n = m.group(1).lower()
                    hits.append((m.start(), f"{_WORD_NUMBERS.get(n, n)} tháng"))
                else:
                    hits.append((m.start(), label))
        if not hits and "định kỳ" not in low:
            continue
        text = sentence
        if len(text) > 400:  # the clause with the duty, not a page-long sentence
            clauses = re.split(r"(?<=;)\s+", sentence)
            text = next((c for c in clauses if "báo cáo" in c.lower()), sentence)[:400]
        freqs: list[str] = []
        for _, label in sorted(hits):
            if label not in freqs:
                freqs.append(label)
        duties.append(ParsedDuty(text=text, frequencies=freqs))
    return duties
