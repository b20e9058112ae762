"""/vanban: browse directives and their sections (campaigns: handlers/directives/campaigns.py).

Buttons (typed, core/callbacks.py): ``DocumentList`` "vb:<page>", ``OpenDocument``
"doc:<id>[:<page>]" (a document and its top-level sections), ``OpenSection``
"sec:<id>[:<page>]" (a section's text page and its subsections). The Q&A answers, /tim
results and /phongtrao offer "doc:" and "sec:" too.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Optional


from core import messages
from core.callbacks import CallbackData, DocumentList, OpenDocument, OpenSection, Stale
from core.context import Context
from core.permissions import home_provinces
from core.router import Router
from core.text import split_message
from core.types import Button, Reply
from store.directives.naming import doc_label, section_label
from store.directives.library import child_sections, documents_listed, top_sections
from store.models import Campaign, Document, Section
from store.vn.text import shorten

DOCS_PER_PAGE = 6
SECTIONS_PER_PAGE = 8
SECTION_PAGE_CHARS = 2500  # well under Telegram's 4096, readable on a phone
BUTTON_TEXT = 48

READ = "documents.read"
NO_DOCUMENTS = "Chưa có văn bản nào. Quản trị viên có thể nạp bằng lệnh: python -m bot ingest THƯ_MỤC"


def user_provinces(ctx: Context) -> set[int]:
    """Provinces to show first: the officer's commune's, or those a supervisor oversees."""
    return home_provinces(ctx.officer)


def nav_buttons(prev: Optional[CallbackData], next_: Optional[CallbackData]) -> list[Button]:
    return ([prev.button("◀ Trước")] if prev else []) + ([next_.button("Sau ▶")] if next_ else [])


def page_count(count: int, size: int) -> int:
    return max(1, math.ceil(count / size))


# -- documents -------------------------------------------------------------------------------

def _ordered_documents(ctx: Context) -> list[Document]:
    docs = documents_listed(ctx.session)
    mine = user_provinces(ctx)
    docs.sort(key=lambda d: (d.province_code not in mine, -(d.issued_year or 0), -(d.issued_month or 0),
                             -(d.issued_day or 0), d.id))
    return docs


def short_doc(doc: Document) -> str:
    number = doc.number or (f"…{doc.number_suffix}" if doc.number_suffix else "không số")
    year = f" ({doc.issued_year})" if doc.issued_year else ""
    return shorten(f"{doc.kind} {number}{year}", BUTTON_TEXT)


def document_list(ctx: Context, page: int) -> list[Reply]:
    docs = _ordered_documents(ctx)
    if not docs:
        return messages.text(NO_DOCUMENTS)
    pages = page_count(len(docs), DOCS_PER_PAGE)
    if page >= pages:
        raise Stale("page or item out of range")
    chunk = docs[page * DOCS_PER_PAGE:(page + 1) * DOCS_PER_PAGE]
    text = f"Văn bản ({len(docs)}), trang {page + 1}/{pages}. Chọn văn bản để xem:"
    buttons = [[OpenDocument(d.id).button(short_doc(d), detail=f"{doc_label(d)}\n   {shorten(d.title, 110)}")]
               for d in chunk]
    nav = nav_buttons(DocumentList(page - 1) if page > 0 else None, DocumentList(page + 1) if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    return [Reply(text=text, buttons=buttons)]


def _period(c: Campaign) -> str:
    if c.period_text:
        return c.period_text
    return "không ghi thời hạn"


def document_view(ctx: Context, doc_id: int, page: int) -> list[Reply]:
    doc = ctx.session.get(Document, doc_id)
    if doc is None:
        raise Stale("page or item out of range")
    tops = top_sections(ctx.session, doc.id)
    pages = page_count(len(tops), SECTIONS_PER_PAGE)
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
    nav = nav_buttons(OpenDocument(doc.id, page - 1) if page > 0 else None,
               OpenDocument(doc.id, page + 1) if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    buttons.append([DocumentList(0).button("📄 Danh sách văn bản")])
    return [Reply(text="\n".join(lines), buttons=buttons)]


def sectionpage_count(section: Section) -> list[str]:
    text = section.text.strip()
    return split_message(text, SECTION_PAGE_CHARS) if text else [""]


def section_view(ctx: Context, section_id: int, page: int) -> list[Reply]:
    sec = ctx.session.get(Section, section_id)
    if sec is None:
        raise Stale("page or item out of range")
    pages = sectionpage_count(sec)
    if page >= len(pages):
        raise Stale("page or item out of range")
    doc = sec.document
    children = child_sections(ctx.session, sec.id)
    head = f"{doc_label(doc)}\n{section_label(sec)}"
    if len(sec.heading) > 60 and not sec.text.startswith(sec.heading.rstrip("…")):
        head += f"\n{sec.heading}"  # the label shortened it and the text does not repeat it
    body = pages[page] or ("Phần này gồm các mục dưới đây." if children else "(Phần này không có nội dung.)")
    if len(pages) > 1:
        head += f" (trang {page + 1}/{len(pages)})"
    buttons = [[OpenSection(c.id).button(shorten(section_label(c), BUTTON_TEXT))] for c in children]
    nav = nav_buttons(OpenSection(sec.id, page - 1) if page > 0 else None,
               OpenSection(sec.id, page + 1) if page + 1 < len(pages) else None)
    if nav:
        buttons.append(nav)
    up = [OpenSection(sec.parent_id).button("⬆ Mục trên")] if sec.parent_id else []
    buttons.append(up + [OpenDocument(doc.id).button("📄 Văn bản")])
    return [Reply(text=f"{head}\n\n{body}", buttons=buttons)]


async def on_document_list(ctx: Context, data: DocumentList) -> list[Reply]:
    return document_list(ctx, data.page)


async def on_document(ctx: Context, data: OpenDocument) -> list[Reply]:
    return document_view(ctx, data.document, data.page or 0)


async def on_section(ctx: Context, data: OpenSection) -> list[Reply]:
    return section_view(ctx, data.section, data.page or 0)


async def vanban(ctx: Context) -> list[Reply]:
    """Lists the directives, the user's province first."""
    return document_list(ctx, 0)


def register(router: Router) -> None:
    """Adds /vanban and the vb:, doc:, sec: buttons (all "documents.read")."""
    router.command("vanban", "Xem các văn bản chỉ đạo", action=READ)(vanban)
    router.callback(DocumentList, action=READ)(on_document_list)
    router.callback(OpenDocument, action=READ)(on_document)
    router.callback(OpenSection, action=READ)(on_section)
