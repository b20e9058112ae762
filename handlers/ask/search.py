"""/tim <từ khóa>: matching passages, 5 a page, each with a snippet, its citation and a button.

Paging data: "tim:<key>:<page>:<folded keywords>" (``SearchPage``), the keywords folded and
cut to fit in 64 bytes; <key> binds the data to the index build, so older or forged buttons
are refused as stale, by the router.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from handlers.ask.answer import get_index
from handlers.ask.passages import distinct, fit_words, index_key, passage_text, section_of
from core.callbacks import CallbackData, OpenDocument, OpenSection, Rest, Stale
from core.context import Context
from handlers.directives.documents import short_doc, user_provinces
from core.router import Router
from core.types import MAX_BUTTON_DATA, Button, Reply
from store.vn import text as vntext

PAGE = 4  # four results with their sources fit one phone screen
PASSAGE_CHARS = 110
BUTTON_CHARS = 40  # a result button stays on one line of a phone screen
MAX_RESULTS = 30
MIN_MATCH = 0.30  # keyword search shows looser matches than a question answer, but not noise
USAGE = ("Cách dùng: /tim <từ khóa>, ví dụ: /tim thi đua khen thưởng\n"
         "Có thể gõ không dấu: /tim bao cao dinh ky")
NOTHING = "Không tìm thấy đoạn nào khớp với “{q}”. Anh/chị thử từ khóa khác, hoặc xem /vanban."


@dataclass(frozen=True)
class SearchPage(CallbackData, prefix="tim"):
    """``tim:<key>:<page>:<folded keywords>``: ``key`` binds page and keywords to the index build."""

    key: str
    page: int
    keywords: Rest
    bad_data_audit: ClassVar[str] = "button.stale"  # result pages live long in a chat: old, not forged


def _keywords_fit(folded: str, page: int) -> str:
    """Folded keywords cut at a word boundary so "tim:<key>:<page>:<kw>" fits in 64 bytes."""
    return fit_words(folded, MAX_BUTTON_DATA - len(f"tim:xxxx:{page}:"))


def result_label(section: str | None, passage: str) -> str:
    """A result's button: what it is about (the section's title, else the passage)."""
    about = section.split(" – ", 1)[1] if section and " – " in section else passage
    return vntext.shorten(about, BUTTON_CHARS)


def _short_source(doc: object, section: str | None) -> str:
    """"Nguồn: Kế hoạch …/KH-UBND (2021) – Mục II.4": enough to tell results apart; the section shows the rest."""
    where = f" – {section.split(' – ', 1)[0]}" if section else ""
    return f"Nguồn: {short_doc(doc)}{where}"  # type: ignore[arg-type]  # an index row has a Document's fields


def results_page(ctx: Context, keywords: str, page: int) -> list[Reply]:
    """One page of /tim results."""
    index = get_index(ctx.services)
    result = index.search(keywords, home_provinces=user_provinces(ctx), limit=MAX_RESULTS * 2)
    hits = [h for h in distinct(result.hits) if h.confidence >= MIN_MATCH][:MAX_RESULTS]
    if not hits:
        return [Reply(text=NOTHING.format(q=keywords[:80]))]
    pages = (len(hits) + PAGE - 1) // PAGE
    page = min(max(page, 0), pages - 1)
    chunk = hits[page * PAGE:(page + 1) * PAGE]
    text = f"Kết quả cho “{keywords[:80]}” (trang {page + 1}/{pages}), chọn để xem cả mục:"
    buttons: list[list[Button]] = []
    for hit in chunk:
        doc = index.index.docs[hit.doc_id]
        passage = vntext.shorten(passage_text(index, hit, PASSAGE_CHARS), PASSAGE_CHARS + 40)
        opens = OpenSection(hit.section_id) if hit.section_id is not None else OpenDocument(hit.doc_id)
        # One list: the passage and its source are the entry, the button opens it.
        buttons.append([opens.button(result_label(section_of(index, hit), passage),
                                     detail=f"{passage}\n   {_short_source(doc, section_of(index, hit))}")])
    folded = vntext.fold(keywords)
    nav = []
    for label, target in (("◀ Trang trước", page - 1), ("Trang sau ▶", page + 1)):
        kw = _keywords_fit(folded, target)
        if 0 <= target < pages and kw:  # one word longer than the data allows: no paging
            nav.append(SearchPage(index_key(index, f"{target}:{kw}"), target, Rest(kw)).button(label))
    if nav:
        buttons.append(nav)
    return [Reply(text=text, buttons=buttons)]


async def tim(ctx: Context) -> list[Reply]:
    """Keyword search over the directives."""
    keywords = " ".join((ctx.msg.args or "").split())
    if not keywords:
        return [Reply(text=USAGE)]
    return results_page(ctx, keywords[:300], 0)


async def tim_page(ctx: Context, data: SearchPage) -> list[Reply]:
    """Another page of /tim results (a page of an older index build, or forged, is stale)."""
    if index_key(get_index(ctx.services), f"{data.page}:{data.keywords}") != data.key:
        raise Stale("an older index build or forged keywords")
    return results_page(ctx, data.keywords, data.page)


def register(router: Router) -> None:
    """/tim and its paging buttons."""
    router.command("tim", "Tìm theo từ khóa trong các văn bản", action="ask")(tim)
    router.callback(SearchPage, action="ask")(tim_page)
