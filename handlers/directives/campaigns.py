"""/phongtrao: the campaigns named in the directives, running ones first, with their source.

Button (typed, core/callbacks.py): ``CampaignList`` "pt:<page>"; each page offers its source
documents as ``OpenDocument`` buttons (handlers/directives/documents.py shows them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Optional


from core import messages
from core.callbacks import CampaignList, OpenDocument, Stale
from core.context import Context
from core.permissions import home_provinces
from core.router import Router
from core.types import Reply
from handlers.directives.documents import READ, nav_buttons, page_count, short_doc
from store.clock import today
from store.directives.text import fold
from store.directives.naming import doc_label
from store.directives.library import campaigns_with_documents
from store.models import Campaign, Document
from store.vn.text import shorten

CAMPAIGNS_PER_PAGE = 4  # four campaigns with their sources fit one phone screen
NO_CAMPAIGNS = "Chưa có phong trào nào trong các văn bản đã nạp."
NONE_CURRENT = "Hiện không có phong trào nào còn trong thời hạn."


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


def campaign_order(entry: CampaignEntry, on: date) -> tuple[int, int, bool, str]:
    """Running campaigns ending soonest first, then upcoming by start, then the most recently ended.

    Ties fall to the user's province, then the folded name: the same list on every run.
    """
    status = entry.status(on)
    if status == "current" and entry.end is not None:  # (both dates are set when current or upcoming)
        when = entry.end.toordinal()
    elif status == "upcoming" and entry.start is not None:
        when = entry.start.toordinal()
    else:
        when = -(entry.end.toordinal() if entry.end else 0)
    return STATUS_RANK[status], when, not entry.mine, fold(entry.name)


def campaign_list(ctx: Context, page: int) -> list[Reply]:
    rows = campaigns_with_documents(ctx.session)
    if not rows:
        return messages.text(NO_CAMPAIGNS)
    on = today(ctx.services.clock)
    entries = campaign_entries(rows, home_provinces(ctx.officer))
    entries.sort(key=lambda e: campaign_order(e, on))
    pages = page_count(len(entries), CAMPAIGNS_PER_PAGE)
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
    buttons = [[OpenDocument(d.id).button(f"📄 {short_doc(d)}")] for d in docs[:4]]
    nav = nav_buttons(CampaignList(page - 1) if page > 0 else None, CampaignList(page + 1) if page + 1 < pages else None)
    if nav:
        buttons.append(nav)
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def on_campaign_list(ctx: Context, data: CampaignList) -> list[Reply]:
    return campaign_list(ctx, data.page)


async def phongtrao(ctx: Context) -> list[Reply]:
    """Lists campaigns: current ones first, then ended ones with their periods."""
    return campaign_list(ctx, 0)


def register(router: Router) -> None:
    """Adds /phongtrao and the pt: buttons ("documents.read", like the documents they cite)."""
    router.command("phongtrao", "Các phong trào thi đua", action=READ)(phongtrao)
    router.callback(CampaignList, action=READ)(on_campaign_list)
