"""/tim <từ khóa>: matching passages, 5 a page, each with a snippet, its citation and a button.

Paging data: "tim:<key>:<page>:<folded keywords>", the keywords folded and cut to fit in
64 bytes; <key> binds the data to the index build, so older or forged buttons are refused.
"""

from __future__ import annotations

from core import messages
from handlers.ask import distinct, get_index, index_key, passage_text, section_of
from handlers.citation import citation
from core.callbacks import button_number
from core.context import Context
from handlers.documents import user_provinces
from core.permissions import can
from core.router import Router
from core.types import MAX_BUTTON_DATA, Button, Reply
from store import vntext

PAGE = 5
MAX_RESULTS = 30
MIN_MATCH = 0.30  # keyword search shows looser matches than a question answer, but not noise
USAGE = ("Cách dùng: /tim <từ khóa>, ví dụ: /tim thi đua khen thưởng\n"
         "Có thể gõ không dấu: /tim bao cao dinh ky")
NOTHING = "Không tìm thấy đoạn nào khớp với “{q}”. Anh/chị thử từ khóa khác, hoặc xem /vanban."


def _keywords_fit(folded: str, page: int) -> str:
    """Folded keywords cut at a word boundary so "tim:<key>:<page>:<kw>" fits in 64 bytes."""
    budget = MAX_BUTTON_DATA - len(f"tim:xxxx:{page}:")
    words, out = folded.split(), ""
    for w in words:
        cand = f"{out} {w}".strip()
        if len(cand.encode()) > budget:
            break
        out = cand
    return out


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
    lines = [f"Kết quả cho “{keywords[:80]}” (trang {page + 1}/{pages}):"]
    row: list[Button] = []
    for n, hit in enumerate(chunk, page * PAGE + 1):
        doc = index.index.docs[hit.doc_id]
        lines.append(f"\n{n}. {passage_text(index, hit, 160)}\n{citation(doc, section_of(index, hit))}")
        row.append(Button(f"{n}", f"sec:{hit.section_id}" if hit.section_id is not None else f"doc:{hit.doc_id}"))
    buttons = [row]
    folded = vntext.fold(keywords)
    nav = []
    for label, target in (("◀ Trang trước", page - 1), ("Trang sau ▶", page + 1)):
        if 0 <= target < pages:
            kw = _keywords_fit(folded, target)
            nav.append(Button(label, f"tim:{index_key(index, f'{target}:{kw}')}:{target}:{kw}"))
    if nav:
        buttons.append(nav)
    return [Reply(text="\n".join(lines), buttons=buttons)]


def register(router: Router) -> None:
    """/tim and its paging buttons."""

    @router.command("tim", "Tìm theo từ khóa trong các văn bản")
    async def tim(ctx: Context) -> list[Reply]:
        """Keyword search over the directives."""
        if not can(ctx.officer, "ask"):
            ctx.audit("search", "", "refused")
            return messages.text(messages.NOT_ALLOWED)
        keywords = " ".join((ctx.msg.args or "").split())
        if not keywords:
            return [Reply(text=USAGE)]
        return results_page(ctx, keywords[:300], 0)

    @router.button("tim")
    async def tim_page(ctx: Context) -> list[Reply]:
        """Another page of /tim results."""
        if not can(ctx.officer, "ask"):
            ctx.audit("search", ctx.msg.button or "", "refused")
            return messages.text(messages.NOT_ALLOWED)
        data = ctx.msg.button or ""
        parts = data.split(":", 3)
        index = get_index(ctx.services)
        if len(parts) != 4 or button_number(parts[2]) is None or not parts[3] \
                or index_key(index, f"{parts[2]}:{parts[3]}") != parts[1]:
            ctx.audit("search.page", data[:64], "stale")
            return messages.text(messages.STALE_BUTTON)
        return results_page(ctx, parts[3], int(parts[2]))
