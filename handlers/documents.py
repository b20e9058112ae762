"""/vanban (browse directives and their sections) and /phongtrao (campaigns, current first).

Buttons (typed, core/callbacks.py): ``DocumentList`` "vb:<page>", ``OpenDocument``
"doc:<id>[:<page>]" (a document and its top-level sections), ``OpenSection``
"sec:<id>[:<page>]" (a section's text page and its subsections), ``CampaignList`` "pt:<page>".
The Q&A answers and /tim results offer "doc:" and "sec:" too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import load_only

from core import messages
from core.callbacks import CallbackData, CampaignList, DocumentList, OpenDocument, OpenSection, Stale
from core.context import Context
from store.doc_format import doc_label, section_label
from core.permissions import home_provinces
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

READ = "documents.read"
NO_DOCUMENTS = "Chưa có văn bản nào. Quản trị viên có thể nạp bằng lệnh: python -m bot ingest THƯ_MỤC"
NO_CAMPAIGNS = "Chưa có phong trào nào trong các văn bản đã nạp."
NONE_CURRENT = "Hiện không có phong trào nào còn trong thời hạn."

_DOC_COLUMNS = (Document.id, Document.kind, Document.number, Document.number_suffix, Document.issuer,
                Document.place, Document.province_code, Document.issued_year, Document.issued_month,
                Document.issued_day, Document.title)


def user_provinces(ctx: Context) -> set[int]:
    """Provinces to show first: the officer's commune's, or those a supervisor oversees."""
    return home_provinces(ctx.officer)


def _nav(prev: Optional[CallbackData], next_: Optional[CallbackData]) -> list[Button]:
    return ([prev.button("◀ Trước")] if prev else []) + ([next_.button("Sau ▶")] if next_ else [])


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
        raise Stale("page or item out of range")
    chunk = docs[page * DOCS_PER_PAGE:(page + 1) * DOCS_PER_PAGE]
    lines = [f"Văn bản ({len(docs)}), trang {page + 1}/{pages}:"]
    for i, doc in enumerate(chunk, start=page * DOCS_PER_PAGE + 1):
        lines.append(f"{i}. {doc_label(doc)}\n   {shorten(doc.title, 110)}")
    lines.append("Chọn văn bản để xem:")
    buttons = [[OpenDocument(d.id).button(f"{i}. {_short_doc(d)}")]
               for i, d in enumerate(chunk, start=page * DOCS_PER_PAGE + 1)]
    nav = _nav(DocumentList(page - 1) if page > 0 else None, DocumentList(page + 1) if page + 1 < pages else None)
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
        raise Stale("page or item out of range")
    tops = list(ctx.session.scalars(
        select(Section).where(Section.document_id == doc.id, Section.parent_id.is_(None)).order_by(Section.ordinal)))
    pages = _pages(len(tops), SECTIONS_PER_PAGE)
    if page >= pages:
        raise Stale("page or item out of range")
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
    buttons = [[OpenSection(s.id).button(shorten(section_label(s), BUTTON_TEXT))] for s in chunk]
    nav = _nav(OpenDocument(doc.id, page - 1) if page > 0 else None,
               OpenDocument(doc.id, page + 1) if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    buttons.append([DocumentList(0).button("📄 Danh sách văn bản")])
    return [Reply(text="\n".join(lines), buttons=buttons)]


def section_pages(section: Section) -> list[str]:
    text = section.text.strip()
    return split_message(text, SECTION_PAGE_CHARS) if text else [""]


def section_view(ctx: Context, section_id: int, page: int) -> list[Reply]:
    sec = ctx.session.get(Section, section_id)
    if sec is None:
        raise Stale("page or item out of range")
    pages = section_pages(sec)
    if page >= len(pages):
        raise Stale("page or item out of range")
    doc = sec.document
    children = list(ctx.session.scalars(
        select(Section).where(Section.parent_id == sec.id).order_by(Section.ordinal)))
    head = f"{doc_label(doc)}\n{section_label(sec)}"
    if len(sec.heading) > 60 and not sec.text.startswith(sec.heading.rstrip("…")):
        head += f"\n{sec.heading}"  # the label shortened it and the text does not repeat it
    body = pages[page] or ("Phần này gồm các mục dưới đây." if children else "(Phần này không có nội dung.)")
    if len(pages) > 1:
        head += f" (trang {page + 1}/{len(pages)})"
    buttons = [[OpenSection(c.id).button(shorten(section_label(c), BUTTON_TEXT))] for c in children]
    nav = _nav(OpenSection(sec.id, page - 1) if page > 0 else None,
               OpenSection(sec.id, page + 1) if page + 1 < len(pages) else None)
    if nav:
        buttons.append(nav)
    up = [OpenSection(sec.parent_id).button("⬆ Mục trên")] if sec.parent_id else []
    buttons.append(up + [OpenDocument(doc.id).button("📄 Văn bản")])
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


def campaign_list(ctx: Context, page: int) -> list[Reply]:
    rows = ctx.session.execute(
        select(Campaign, Document).join(Document, Campaign.document_id == Document.id)
        .options(load_only(*_DOC_COLUMNS)).order_by(Campaign.id)).all()
    if not rows:
        return messages.text(NO_CAMPAIGNS)
    on = today(ctx.services.clock)
    entries = campaign_entries(rows, user_provinces(ctx))
    rank = {"current": 0, "upcoming": 1, "ended": 2, "unknown": 3}
    entries.sort(key=lambda e: (rank[e.status(on)], not e.mine, -(e.end.toordinal() if e.end else 0), fold(e.name)))
    pages = _pages(len(entries), CAMPAIGNS_PER_PAGE)
    if page >= pages:
        raise Stale("page or item out of range")
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
    buttons = [[OpenDocument(d.id).button(f"📄 {_short_doc(d)}")] for d in docs[:4]]
    nav = _nav(CampaignList(page - 1) if page > 0 else None, CampaignList(page + 1) if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def on_document_list(ctx: Context, data: DocumentList) -> list[Reply]:
    return document_list(ctx, data.page)


async def on_document(ctx: Context, data: OpenDocument) -> list[Reply]:
    return document_view(ctx, data.document, data.page or 0)


async def on_section(ctx: Context, data: OpenSection) -> list[Reply]:
    return section_view(ctx, data.section, data.page or 0)


async def on_campaign_list(ctx: Context, data: CampaignList) -> list[Reply]:
    return campaign_list(ctx, data.page)


async def vanban(ctx: Context) -> list[Reply]:
    """Lists the directives, the user's province first."""
    return document_list(ctx, 0)


async def phongtrao(ctx: Context) -> list[Reply]:
    """Lists campaigns: current ones first, then ended ones with their periods."""
    return campaign_list(ctx, 0)


def register(router: Router) -> None:
    """Adds /vanban, /phongtrao and the vb:, doc:, sec:, pt: buttons (all "documents.read")."""
    router.command("vanban", "Xem các văn bản chỉ đạo", action=READ)(vanban)
    router.command("phongtrao", "Các phong trào thi đua", action=READ)(phongtrao)
    router.callback(DocumentList, action=READ)(on_document_list)
    router.callback(OpenDocument, action=READ)(on_document)
    router.callback(OpenSection, action=READ)(on_section)
    router.callback(CampaignList, action=READ)(on_campaign_list)
