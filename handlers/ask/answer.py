"""Questions in plain text: answer from a passage that really answers, or decline.

Order: small talk (a short human reply), the officer's own reporting (the commune's
calendar), then the directives: "who holds office X" (only "theo văn bản …"), "what is
document X about" (a summary), field questions (signer, date, number …), and passages. A
passage is cited only when it really answers (store/search/answer_fit.py); otherwise the reply says
so, names the documents that mention the topic as buttons and suggests /tim.

Buttons: "sec:<id>" (whole section), "doc:<id>" (the document) — both handled by
handlers/directives/documents.py — and "more:<key>:<units>" (further results, handlers/ask/buttons.py).
The "more" data carries the next passages' index positions, tagged with a key derived from
the index fingerprint, so a button from an older index (or a forged one) is refused as stale.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Iterable, Optional

from core import messages
from core.callbacks import Rest, Stale
from handlers.ask.buttons import MoreResults
from handlers.ask.fields import (field_answer, field_question, office_answer, summary_question, summary_reply,
                                 year_matches)
from handlers.ask.passages import (
    b36, distinct, doc_buttons, index_key, more_button, passage_text, section_of,
)
from handlers.ask.reporting import is_own_reporting, own_reporting_reply
from handlers.ask.citation import citation
from core.context import Context, Services
from store.directives.naming import doc_label
from handlers.directives.documents import user_provinces
from core.permissions import can
from core.router import Router
from handlers.ask.smalltalk import small_talk_kind, small_talk_reply
from core.types import Button, Reply
from store.vn import text as vntext
from store.search.answer_fit import (ANSWER_CANDIDATES, CANDIDATE_CONFIDENCE, TOPIC_CONFIDENCE, Needs, answer_weights,
                                     answers, cited, needs_of, pair_weights)
from store.search.service import MIN_CONFIDENCE, SearchIndex, SearchResult, ensure_index
from store.search.index import Hit, tokenize
from store.search.query import NUMBER_RE

log = logging.getLogger(__name__)

NOT_FOUND = "Các văn bản hiện có không trả lời được câu hỏi này."
TOPIC_DOCS = "Văn bản có nhắc đến chủ đề này:"
TRY_SEARCH = "Anh/chị có thể thử /tim <từ khóa> để tìm theo từ khóa, hoặc xem /vanban."
UNKNOWN_PLACE = ("Hiện chưa có văn bản nào của {place} trong hệ thống, nên tôi chưa trả lời được.\n"
                 "Anh/chị có thể xem các văn bản đang có bằng lệnh /vanban.")
RECHECK = timedelta(seconds=60)
MORE_PAGE = 4
MAX_TOPIC_DOCS = 3
QUESTION_WORDS = tuple(p.split() for p in (
    "ai", "gi", "nao", "bao nhieu", "may", "o dau", "dau", "khi nao", "bao gio", "the nao", "ra sao", "sao",
    "la gi", "co phai", "chua", "khong",
))


def get_index(services: Services) -> SearchIndex:
    """The loaded index; re-checked against the database now and then, so an ingest done by
    another process (``python -m bot ingest``) reaches a running bot without a restart."""
    now = services.clock.now()
    checked = services.search_checked_at
    if not isinstance(services.search, SearchIndex) or checked is None or now - checked > RECHECK:
        services.search = ensure_index(services)  # cheap when unchanged: one fingerprint query
        services.search_checked_at = now
    return services.search


# -- choosing the passage -----------------------------------------------------------
def _context_text(index: SearchIndex, hit: Hit) -> str:
    """What is cited besides the passage: section heading and number, the document's fields."""
    idx = index.index
    doc = idx.docs[hit.doc_id]
    parts = [doc.kind, doc.number or "", doc.title, doc.issuer, doc.place, doc.signer_title or "", doc.signer or "",
             f"năm {doc.issued_year}" if doc.issued_year else ""]
    if hit.section_id is not None:
        parts += [idx.section_labels.get(hit.section_id, ""), idx.section_refs.get(hit.section_id, "")]
    return "\n".join(p for p in parts if p)


def fitting_passage(index: SearchIndex, result: SearchResult, needs: Needs) -> Optional[tuple[Hit, str]]:
    """The best-ranked passage that really answers, with its display text."""
    q = result.query
    named = index.named_docs(q) if q.selectors else set()
    weights, focus = answer_weights(index.word_weights(q), q.content_bigrams(), needs)
    pairs = pair_weights(q.content_bigrams(), needs, index.index.idf, index.index.known)
    asked = set(q.folded)
    for hit in result.hits:
        if hit.confidence < CANDIDATE_CONFIDENCE or hit.section_id is None or (named and hit.doc_id not in named):
            continue  # the title and fields answer field questions, not content ones
        text = passage_text(index, hit)
        c = cited(text, _context_text(index, hit), tokenize)
        if answers(needs, c, focus, asked, weights, pairs):
            return hit, text
    return None


def _short_doc(index: SearchIndex, doc_id: int) -> str:
    doc = index.index.docs[doc_id]
    name = f"{doc.kind} {doc.number}" if doc.number else doc.kind
    year = f" {doc.issued_year}" if doc.issued_year else ""
    return f"📄 {name} – {doc.place}{year}"[:60]


def decline(index: SearchIndex, result: SearchResult) -> Reply:
    """Not an answer: say so, name the documents that mention the topic, suggest /tim."""
    named = index.named_docs(result.query) if result.query.selectors else set()
    docs: list[int] = []
    for hit in sorted(result.hits, key=lambda h: (named and h.doc_id not in named, -h.confidence)):
        if hit.confidence >= TOPIC_CONFIDENCE and hit.doc_id not in docs:
            docs.append(hit.doc_id)
    docs = docs[:MAX_TOPIC_DOCS]
    lines = [NOT_FOUND, TRY_SEARCH] + ([TOPIC_DOCS] if docs else [])  # the buttons follow
    return Reply(text="\n".join(lines), buttons=[[Button(_short_doc(index, d), f"doc:{d}")] for d in docs])


# -- the answer -------------------------------------------------------------------------
NOT_UNDERSTOOD = ("Xin lỗi, bot chưa hiểu câu này. Anh/chị hỏi rõ hơn, ví dụ: "
                  "“Chỉ thị 02/CT-UBND ban hành ngày nào?”, hoặc gõ /tim TỪ_KHÓA.")


def is_junk(text: str) -> bool:
    """Nothing a directive could answer: no Vietnamese syllable, Telex-typed word, number or
    document code (``abc``, ``xyz``): such text must never get a confident passage."""
    if NUMBER_RE.search(text):
        return False
    return not any(t.isdigit() or vntext.is_syllable(t) or vntext.telex_decode(t)
                   for t in vntext.search_key(text).split())


def answer(services: Services, question: str, home_provinces: Iterable[int] = ()) -> Reply:
    """The reply to a question about the directives (used by the handler and the benchmarks)."""
    if is_junk(question):
        return Reply(text=NOT_UNDERSTOOD)
    index = get_index(services)
    result = index.search(question, home_provinces=home_provinces, limit=ANSWER_CANDIDATES)
    if result.unknown_place:
        return Reply(text=UNKNOWN_PLACE.format(place=result.unknown_place))
    q = result.query
    needs = needs_of(q)
    if needs.office:
        return office_answer(index, result, needs) or decline(index, result)
    doc = summary_question(index, result)
    if doc is not None:
        return summary_reply(services, doc)
    field = field_question(index, result)
    if field is not None:
        intent, doc = field
        reply = field_answer(services, doc, intent) if year_matches(doc, q.years) else None
        if reply is not None or intent == "signer":
            return reply or decline(index, result)
    if "signer" in q.intents:  # signatures are in the fields, never in a passage
        return decline(index, result)
    found = fitting_passage(index, result, needs)
    if found is None:
        return decline(index, result)
    best, body = found
    doc = index.index.docs[best.doc_id]
    if needs.current:  # "hiện nay": only as of the document
        body = f"Theo {doc_label(doc)}" + (f" (năm {doc.issued_year})" if doc.issued_year else "") + f":\n{body}"
    text = f"{body}\n\n{citation(doc, section_of(index, best), with_title=True)}"
    buttons = [doc_buttons(doc.id, best.section_id)]
    others = [h for h in distinct(result.hits, {best.section_id}) if h.confidence >= MIN_CONFIDENCE]
    more = more_button(index, others)
    if more is not None:
        buttons.append([more])
    return Reply(text=text, buttons=buttons)


def _names_place_or_document(services: Services, text: str) -> bool:
    index = get_index(services)
    return bool(NUMBER_RE.search(text)) or bool(index.index.place_hits(vntext.search_key(text).split())[1])


def reply_to_text(ctx: Context, text: str) -> list[Reply]:
    """Small talk, the officer's own reporting, or an answer from the directives."""
    chat = small_talk_reply(text)
    if chat is not None:
        return [Reply(text=chat)]
    if is_own_reporting(text, _names_place_or_document(ctx.services, text)):
        return own_reporting_reply(ctx, text)
    return [answer(ctx.services, text, user_provinces(ctx))]


def looks_like_question(text: str) -> bool:
    folded = vntext.search_key(text).split()
    if len(folded) < 2 and "?" not in text:
        return False
    return "?" in text or any(folded[i:i + len(w)] == w for w in QUESTION_WORDS[:-2] for i in range(len(folded)))


def question_reply(ctx: Context, text: str) -> Optional[list[Reply]]:
    """For dialogs: the replies to a question typed mid-dialog, or None when the text is not a
    question worth answering (small talk, a value, a stray word) so the step handles it."""
    if not text or small_talk_kind(text) is not None or not looks_like_question(text):
        return None
    if not can(ctx.officer, "ask"):
        return None
    return reply_to_text(ctx, text)


async def more_results(ctx: Context, data: MoreResults) -> list[Reply]:
    """The "Kết quả khác" button: the next passages of an earlier answer."""
    index = get_index(ctx.services)
    try:
        units = [int(u, 36) for u in data.units.split(".")] if index_key(index, data.units) == data.key else []
    except ValueError:
        units = []
    if not units or any(u < 0 or u >= len(index.index.units) for u in units):
        raise Stale("an older index build or forged units")
    shown, rest = units[:MORE_PAGE], units[MORE_PAGE:]
    lines = ["Các đoạn liên quan khác:"]
    buttons: list[list[Button]] = []
    for n, pos in enumerate(shown, 1):
        unit = index.index.units[pos]
        hit = Hit(pos, 0.0, unit.doc_id, unit.section_id, unit.text)
        doc = index.index.docs[unit.doc_id]
        lines.append(f"\n{n}. {passage_text(index, hit, 200)}\n{citation(doc, section_of(index, hit))}")
        if unit.section_id is not None:
            buttons.append([Button(f"{n}. Xem cả mục", f"sec:{unit.section_id}")])
        else:
            buttons.append([Button(f"{n}. Xem văn bản", f"doc:{unit.doc_id}")])
    if rest:
        payload = ".".join(b36(u) for u in rest)
        buttons.append([MoreResults(index_key(index, payload), Rest(payload)).button("Kết quả khác")])
    ctx.audit("ask.more", (ctx.msg.button or "")[:64], "ok")
    return [Reply(text="\n".join(lines), buttons=buttons)]


def register(router: Router) -> None:
    """Free-text questions and the "Kết quả khác" button."""

    async def on_text(ctx: Context) -> list[Reply]:
        """Answers a question from the directives (or small talk, or the officer's reporting)."""
        if not can(ctx.officer, "ask"):
            ctx.audit("ask", "", "refused")
            return messages.text(messages.NOT_ALLOWED)
        return reply_to_text(ctx, ctx.msg.text or "")

    router.on_text = on_text
    router.callback(MoreResults, action="ask")(more_results)
