"""/vanban (browse directives and their sections) and /phongtrao (campaigns, current first).

Button data: "vb:<page>" (document list), "doc:<id>[:<page>]" (a document and its top-level
sections), "sec:<id>[:<page>]" (a section's text page and its subsections), "pt:<page>"
(campaign list). The Q&A answers reuse "doc:" and "sec:".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import load_only

from core import messages
from core.context import Context
from store.doc_format import doc_label, section_label
from core.permissions import can, supervised_provinces
from core.router import Router
from core.text import split_message
from store.vntext import shorten
from core.types import Button, Reply
from store.clock import today
from store.directive_text import fold
from store.models import Campaign, Document, Section

DOCS_PER_PAGE = 6
SECTIONS_PER_PAGE = 8
CAMPAIGNS_PER_PAGE = 6
SECTION_PAGE_CHARS = 2500  # well under Telegram's 4096, readable on a phone
BUTTON_TEXT = 48

NO_DOCUMENTS = "Chưa có văn bản nào. Quản trị viên có thể nạp bằng lệnh: python -m bot ingest THƯ_MỤC"
NO_CAMPAIGNS = "Chưa có phong trào nào trong các văn bản đã nạp."
NONE_CURRENT = "Hiện không có phong trào nào còn trong thời hạn."

_DOC_COLUMNS = (Document.id, Document.kind, Document.number, Document.number_suffix, Document.issuer,
                Document.place, Document.province_code, Document.issued_year, Document.issued_month,
                Document.issued_day, Document.title)


def user_provinces(ctx: Context) -> set[int]:
    """Provinces to show first: the officer's commune's, or those a supervisor oversees."""
    officer = ctx.officer
    if officer is None:
        return set()
    codes = set(supervised_provinces(officer))
    if officer.commune is not None:
        codes.add(officer.commune.province_code)
    return codes


def _allowed(ctx: Context) -> bool:
    if can(ctx.officer, "documents.read"):
        return True
    ctx.audit("documents.read", ctx.msg.button or ctx.msg.command or "", "refused")
    return False


def _stale(ctx: Context) -> list[Reply]:
    ctx.audit("button.stale", ctx.msg.button or "", "refused")
    return messages.text(messages.STALE_BUTTON)


def _parse(data: str, prefix: str, need_id: bool) -> Optional[tuple[int, int]]:
    """(id or page, page) from "prefix:<n>[:<page>]"; None when malformed."""
    parts = data.split(":")
    if parts[0] != prefix or not 2 <= len(parts) <= (3 if need_id else 2):
        return None
    if not all(p.isdigit() and len(p) <= 9 for p in parts[1:]):
        return None
    first = int(parts[1])
    return first, int(parts[2]) if len(parts) == 3 else 0


def _nav(prev_data: Optional[str], next_data: Optional[str]) -> list[Button]:
    row = []
    if prev_data:
        row.append(Button("◀ Trước", prev_data))
    if next_data:
        row.append(Button("Sau ▶", next_data))
    return row


def _pages(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


# -- documents -------------------------------------------------------------------------------

def _ordered_documents(ctx: Context) -> list[Document]:
    docs = list(ctx.session.scalars(select(Document).options(load_only(*_DOC_COLUMNS))))
    mine = user_provinces(ctx)
    docs.sort(key=lambda d: (d.province_code not in mine, -(d.issued_year or 0), -(d.issued_month or 0),
                             -(d.issued_day or 0), d.id))
    return docs


def _short_doc(doc: Document) -> str:
    number = doc.number or (f"…{doc.number_suffix}" if doc.number_suffix else "không số")
    year = f" ({doc.issued_year})" if doc.issued_year else ""
    return shorten(f"{doc.kind} {number}{year}", BUTTON_TEXT)


def document_list(ctx: Context, page: int) -> list[Reply]:
    docs = _ordered_documents(ctx)
    if not docs:
        return messages.text(NO_DOCUMENTS)
    pages = _pages(len(docs), DOCS_PER_PAGE)
    if page >= pages:
        return _stale(ctx)
    chunk = docs[page * DOCS_PER_PAGE:(page + 1) * DOCS_PER_PAGE]
    lines = [f"Văn bản ({len(docs)}), trang {page + 1}/{pages}:"]
    for i, doc in enumerate(chunk, start=page * DOCS_PER_PAGE + 1):
        lines.append(f"{i}. {doc_label(doc)}\n   {shorten(doc.title, 110)}")
    lines.append("Chọn văn bản để xem:")
    buttons = [[Button(f"{i}. {_short_doc(d)}", f"doc:{d.id}")]
               for i, d in enumerate(chunk, start=page * DOCS_PER_PAGE + 1)]
    nav = _nav(f"vb:{page - 1}" if page > 0 else None, f"vb:{page + 1}" if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    return [Reply(text="\n".join(lines), buttons=buttons)]


def _period(c: Campaign) -> str:
    if c.period_text:
        return c.period_text
    return "không ghi thời hạn"


def document_view(ctx: Context, doc_id: int, page: int) -> list[Reply]:
    doc = ctx.session.get(Document, doc_id)
    if doc is None:
        return _stale(ctx)
    tops = list(ctx.session.scalars(
        select(Section).where(Section.document_id == doc.id, Section.parent_id.is_(None)).order_by(Section.ordinal)))
    pages = _pages(len(tops), SECTIONS_PER_PAGE)
    if page >= pages:
        return _stale(ctx)
    lines = [doc_label(doc)]
    if doc.title:
        lines.append(f"“{shorten(doc.title, 300)}”")
    if doc.signer:
        lines.append("Người ký: " + " ".join(x for x in ((doc.signer_title or "").split(" - ")[-1], doc.signer) if x))
    if doc.theme:
        lines.append(f"Chủ đề: “{shorten(doc.theme, 200)}”")
    if doc.campaigns:
        # Campaigns with a stated period first, the latest-ending on top.
        ordered = sorted(doc.campaigns, key=lambda c: (c.end_date is None, -(c.end_date or date.min).toordinal()))
        names = [f"• {shorten(c.name, 90)}" + ("" if c.period_text and c.name.endswith(c.period_text) else f" ({_period(c)})")
                 for c in ordered[:5]]
        more = len(doc.campaigns) - 5
        lines.append("Phong trào nêu trong văn bản:\n" + "\n".join(names) + (f"\n… và {more} phong trào khác" if more > 0 else ""))
    duties = [d for d in doc.duties if d.frequencies]
    if duties:
        lines.append("Chế độ báo cáo: " + "; ".join("báo cáo " + ", ".join(d.frequencies) for d in duties[:3]))
    elif doc.duties:
        lines.append("Chế độ báo cáo: định kỳ (xem nội dung văn bản).")
    lines.append(f"Các phần (trang {page + 1}/{pages}):" if pages > 1 else "Các phần:")
    chunk = tops[page * SECTIONS_PER_PAGE:(page + 1) * SECTIONS_PER_PAGE]
    buttons = [[Button(shorten(section_label(s), BUTTON_TEXT), f"sec:{s.id}")] for s in chunk]
    nav = _nav(f"doc:{doc.id}:{page - 1}" if page > 0 else None,
               f"doc:{doc.id}:{page + 1}" if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    buttons.append([Button("📄 Danh sách văn bản", "vb:0")])
    return [Reply(text="\n".join(lines), buttons=buttons)]


def section_pages(section: Section) -> list[str]:
    text = section.text.strip()
    return split_message(text, SECTION_PAGE_CHARS) if text else [""]


def section_view(ctx: Context, section_id: int, page: int) -> list[Reply]:
    sec = ctx.session.get(Section, section_id)
    if sec is None:
        return _stale(ctx)
    pages = section_pages(sec)
    if page >= len(pages):
        return _stale(ctx)
    doc = sec.document
    children = list(ctx.session.scalars(
        select(Section).where(Section.parent_id == sec.id).order_by(Section.ordinal)))
    head = f"{doc_label(doc)}\n{section_label(sec)}"
    if len(sec.heading) > 60 and not sec.text.startswith(sec.heading.rstrip("…")):
        head += f"\n{sec.heading}"  # the label shortened it and the text does not repeat it
    body = pages[page] or ("Phần này gồm các mục dưới đây." if children else "(Phần này không có nội dung.)")
    if len(pages) > 1:
        head += f" (trang {page + 1}/{len(pages)})"
    buttons = [[Button(shorten(section_label(c), BUTTON_TEXT), f"sec:{c.id}")] for c in children]
    nav = _nav(f"sec:{sec.id}:{page - 1}" if page > 0 else None,
               f"sec:{sec.id}:{page + 1}" if page + 1 < len(pages) else None)
    if nav:
        buttons.append(nav)
    up = [Button("⬆ Mục trên", f"sec:{sec.parent_id}")] if sec.parent_id else []
    buttons.append(up + [Button("📄 Văn bản", f"doc:{doc.id}")])
    return [Reply(text=f"{head}\n\n{body}", buttons=buttons)]


# -- campaigns -------------------------------------------------------------------------------

@dataclass
class CampaignEntry:
    """One campaign name, merged across the documents that mention it."""

    name: str
    start: Optional[date] = None
    end: Optional[date] = None
    period_text: Optional[str] = None
    docs: list[Document] = field(default_factory=list)
    mine: bool = False

    def status(self, on: date) -> str:
        if self.start and self.end:
            if self.start <= on <= self.end:
                return "current"
            return "ended" if self.end < on else "upcoming"
        return "unknown"


def campaign_entries(rows: Iterable[tuple[Campaign, Document]], mine: set[int]) -> list[CampaignEntry]:
    """Campaigns grouped by folded name; the latest-ending stated period wins."""
    entries: dict[str, CampaignEntry] = {}
    for camp, doc in rows:
        entry = entries.setdefault(fold(camp.name), CampaignEntry(name=camp.name))
        if doc not in entry.docs:
            entry.docs.append(doc)
        entry.mine = entry.mine or doc.province_code in mine
        if camp.end_date and (entry.end is None or camp.end_date > entry.end):
            entry.start, entry.end, entry.period_text = camp.start_date, camp.end_date, camp.period_text
    return list(entries.values())


STATUS_RANK = {"current": 0, "upcoming": 1, "ended": 2, "unknown": 3}


def campaign_order(entry: CampaignEntry, on: date) -> tuple:
    """Running campaigns ending soonest first, then upcoming by start, then the most recently ended.

    Ties fall to the user's province, then the folded name: the same list on every run.
    """
    status = entry.status(on)
    if status == "current":
        when = entry.end.toordinal()
    elif status == "upcoming":
        when = entry.start.toordinal()
    else:
        when = -(entry.end.toordinal() if entry.end else 0)
    return STATUS_RANK[status], when, not entry.mine, fold(entry.name)


def campaign_list(ctx: Context, page: int) -> list[Reply]:
    rows = ctx.session.execute(
        select(Campaign, Document).join(Document, Campaign.document_id == Document.id)
        .options(load_only(*_DOC_COLUMNS)).order_by(Campaign.id)).all()
    if not rows:
        return messages.text(NO_CAMPAIGNS)
    on = today(ctx.services.clock)
    entries = campaign_entries(rows, user_provinces(ctx))
    entries.sort(key=lambda e: campaign_order(e, on))
    pages = _pages(len(entries), CAMPAIGNS_PER_PAGE)
    if page >= pages:
        return _stale(ctx)
    lines: list[str] = []
    if page == 0 and not any(e.status(on) == "current" for e in entries):
        lines.append(NONE_CURRENT)
    titles = {"current": "Đang trong thời hạn:", "upcoming": "Sắp bắt đầu:", "ended": "Đã hết thời hạn:",
              "unknown": "Văn bản không ghi thời hạn:"}
    shown_status = None
    chunk = entries[page * CAMPAIGNS_PER_PAGE:(page + 1) * CAMPAIGNS_PER_PAGE]
    for entry in chunk:
        status = entry.status(on)
        if status != shown_status:
            lines.append(titles[status])
            shown_status = status
        period = f" ({entry.period_text})" if entry.period_text and not entry.name.endswith(entry.period_text) else ""
        source = doc_label(entry.docs[0]) + (f" và {len(entry.docs) - 1} văn bản khác" if len(entry.docs) > 1 else "")
        name = shorten(entry.name, 120)
        quoted = name if name.lower().startswith("phong trào") else f"“{name}”"  # quote slogans only
        lines.append(f"• {quoted}{period}\n   Nguồn: {source}")
    if pages > 1:
        lines.append(f"Trang {page + 1}/{pages}")
    docs: list[Document] = []
    for entry in chunk:
        if entry.docs[0] not in docs:
            docs.append(entry.docs[0])
    buttons = [[Button(f"📄 {_short_doc(d)}", f"doc:{d.id}")] for d in docs[:4]]
    nav = _nav(f"pt:{page - 1}" if page > 0 else None, f"pt:{page + 1}" if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    return [Reply(text="\n".join(lines), buttons=buttons)]


def register(router: Router) -> None:
    """Adds /vanban, /phongtrao and the vb:, doc:, sec:, pt: buttons."""

    @router.command("vanban", "Xem các văn bản chỉ đạo")
    async def vanban(ctx: Context) -> list[Reply]:
        """Lists the directives, the user's province first."""
        if not _allowed(ctx):
            return messages.text(messages.NOT_ALLOWED)
        return document_list(ctx, 0)

    @router.command("phongtrao", "Các phong trào thi đua")
    async def phongtrao(ctx: Context) -> list[Reply]:
        """Lists campaigns: current ones first, then ended ones with their periods."""
        if not _allowed(ctx):
            return messages.text(messages.NOT_ALLOWED)
        return campaign_list(ctx, 0)

    @router.button("vb")
    async def vb_page(ctx: Context) -> list[Reply]:
        """Pages the document list."""
        if not _allowed(ctx):
            return messages.text(messages.NOT_ALLOWED)
        parsed = _parse(ctx.msg.button or "", "vb", need_id=False)
        return _stale(ctx) if parsed is None else document_list(ctx, parsed[0])

    @router.button("doc")
    async def doc_open(ctx: Context) -> list[Reply]:
        """Opens a document: metadata and its top-level sections."""
        if not _allowed(ctx):
            return messages.text(messages.NOT_ALLOWED)
        parsed = _parse(ctx.msg.button or "", "doc", need_id=True)
        return _stale(ctx) if parsed is None else document_view(ctx, *parsed)

    @router.button("sec")
    async def sec_open(ctx: Context) -> list[Reply]:
        """Opens a section: a page of its text and its subsections."""
        if not _allowed(ctx):
            return messages.text(messages.NOT_ALLOWED)
        parsed = _parse(ctx.msg.button or "", "sec", need_id=True)
        return _stale(ctx) if parsed is None else section_view(ctx, *parsed)

    @router.button("pt")
    async def pt_page(ctx: Context) -> list[Reply]:
        """Pages the campaign list."""
        if not _allowed(ctx):
            return messages.text(messages.NOT_ALLOWED)
        parsed = _parse(ctx.msg.button or "", "pt", need_id=False)
        return _stale(ctx) if parsed is None else campaign_list(ctx, parsed[0])
