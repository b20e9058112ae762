"""Texts and buttons of a directive upload: what the bot found in the file, the loaded reply, the notice.

Buttons: ``dl:ok`` (load), ``dl:x`` (cancel), ``dl:n:<doc>`` (notice preview), ``dl:s:<doc>`` (send it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


from core.callbacks import CallbackData, OpenDocument
from core.types import Button, Reply
from store.directives.naming import doc_label, format_issue_date, section_label
from store.vn.text import shorten
from store.directives.parser import ParsedDocument
from store.db import Session
from store.models import Document
from store.people import lookup
from store.directives.readers import ReadResult

MAX_SECTIONS = 8
MAX_CAMPAIGNS = 5
FORMAT_NAMES = {"txt": "văn bản thuần", "docx": "Word (DOCX)", "pdf": "PDF", "pdf-ocr": "PDF bản quét"}
NOT_STATED = "(không ghi)"
ACTION = "directives.load"  # load a directive for a province, and tell its officers


@dataclass(frozen=True)
class Load(CallbackData, prefix="dl", action="ok"):
    pass


@dataclass(frozen=True)
class Cancel(CallbackData, prefix="dl", action="x"):
    pass


@dataclass(frozen=True)
class NoticePreview(CallbackData, prefix="dl", action="n"):
    document: int


@dataclass(frozen=True)
class NoticeSend(CallbackData, prefix="dl", action="s"):
    document: int


def confirm_buttons() -> list[list[Button]]:
    return [[Load().button("✅ Nạp văn bản"), Cancel().button("Hủy")]]


def province_name(session: Session, code: Optional[int]) -> str:
    if code is None:
        return "toàn quốc (không rõ tỉnh)"
    name = lookup.province_name(session, code)
    return f"tỉnh {name}" if name else f"tỉnh mã {code}"


def _number(parsed: ParsedDocument) -> str:
    if parsed.number:
        return parsed.number
    if parsed.number_suffix:
        return f"chưa ghi số (…{parsed.number_suffix})"
    return NOT_STATED


def preview_text(session: Session, name: str, read: ReadResult, parsed: ParsedDocument,
                 province: Optional[int], existing: Optional[Document]) -> str:
    """Kind, number, date, issuer, signer, title, sections and campaigns, as found."""
    signer = " ".join(x for x in ((parsed.signer_title or "").split(" - ")[-1], parsed.signer or "") if x)
    lines = [f"📄 Đã đọc “{name}” ({FORMAT_NAMES.get(read.format, read.format)}):",
             f"• Loại: {parsed.kind}",
             f"• Số: {_number(parsed)}",
             f"• Ngày: {format_issue_date(parsed) or NOT_STATED}",
             f"• Cơ quan ban hành: {parsed.issuer or NOT_STATED}",
             f"• Người ký: {signer or NOT_STATED}",
             f"• Trích yếu: {shorten(parsed.title, 200) if parsed.title else NOT_STATED}"]
    tops = [s for s in parsed.sections if s.parent is None and (s.heading or s.label)]
    if tops:
        shown = [f"  – {section_label(s)}" for s in tops[:MAX_SECTIONS]]
        more = f"\n  … và {len(tops) - MAX_SECTIONS} mục khác" if len(tops) > MAX_SECTIONS else ""
        lines.append(f"• Các mục ({len(parsed.sections)} phần):\n" + "\n".join(shown) + more)
    if parsed.campaigns:
        names = [f"  – {shorten(c.name, 80)}" for c in parsed.campaigns[:MAX_CAMPAIGNS]]
        more = f"\n  … và {len(parsed.campaigns) - MAX_CAMPAIGNS} phong trào khác" \
            if len(parsed.campaigns) > MAX_CAMPAIGNS else ""
        lines.append("• Phong trào:\n" + "\n".join(names) + more)
    for note in read.notes:
        lines.append(f"ℹ️ {note[:1].upper()}{note[1:]}.")
    lines.append(f"Phạm vi: {province_name(session, province)}.")
    if parsed.province_code is not None and parsed.province_code != province:
        lines.append(f"ℹ️ Văn bản ghi cơ quan của {province_name(session, parsed.province_code)}; "
                     "sẽ được xếp vào tỉnh của anh/chị.")
    if existing is not None:
        lines.append("Văn bản này đã có (cùng tên tệp): nạp sẽ cập nhật bản cũ.")
    lines.append("Nạp văn bản này?")
    return "\n".join(lines)


def load_reply(doc: Document, outcome: str, *, can_notify: bool) -> Reply:
    said = {"loaded": "Đã nạp", "updated": "Đã cập nhật", "unchanged": "Không có gì thay đổi ở"}[outcome]
    buttons = [[OpenDocument(doc.id).button("📄 Xem văn bản")]]
    if can_notify:
        buttons.insert(0, [NoticePreview(doc.id).button("📣 Gửi thông báo cho cán bộ tỉnh")])
    return Reply(text=f"✅ {said} {doc_label(doc)}. Cán bộ trong tỉnh xem được bằng /vanban.", buttons=buttons)


def notice_text(doc: Document) -> str:
    title = f"\n“{shorten(doc.title, 200)}”" if doc.title else ""
    return f"📄 Văn bản mới: {doc_label(doc)}{title}\nXem toàn văn và các mục bằng lệnh /vanban."
