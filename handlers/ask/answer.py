"""Questions in plain text: answer from a passage that really answers, or decline.

Order: small talk (a short human reply), the officer's own reporting (the commune's
calendar), then the directives: "who holds office X" (only "theo văn bản …"), "what is
document X about" (a summary), field questions (signer, date, number …), and passages. A
passage is cited only when it really answers (store/search/answer_fit.py); otherwise the reply says
so, names the documents that mention the topic as buttons and suggests /tim.

Buttons: typed ``OpenSection`` (whole section) and ``OpenDocument`` (the document) — both
handled by handlers/directives/documents.py — and ``MoreResults`` (further results, handlers/ask/buttons.py).
The "more" data carries the next passages' index positions, tagged with a key derived from
the index fingerprint, so a button from an older index (or a forged one) is refused as stale.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Iterable, Optional

from core import messages
from core.callbacks import OpenDocument, OpenSection, Rest, Stale
from handlers.ask.buttons import MoreResults, WhichDocument
from handlers.ask.choice import ref_label, which_document
from handlers.ask.fields import (field_answer, field_question, office_answer, summary_question, summary_reply,
                                 year_matches)
from handlers.ask.passages import (
    b36, distinct, doc_buttons, index_key, more_button, passage_text, section_of, short_doc_label,
)
from handlers.ask.reporting import is_own_reporting, own_reporting_reply
from handlers.ask.citation import citation, with_age
from store.clock import today
from core.context import Context, Services
from core.dialogs import looks_like_question
from store.directives.naming import doc_label
from handlers.directives.documents import user_provinces
from core.permissions import can
from core.router import Router
from handlers.ask.smalltalk import REPLIES, small_talk_kind, small_talk_reply
from core.types import Button, Reply
from store.vn import text as vntext
from store.search.answer_fit import ANSWER_CANDIDATES, TOPIC_CONFIDENCE, needs_of
from handlers.ask.model import fitting_passage
from store.search.service import MIN_CONFIDENCE, SearchIndex, SearchResult, ensure_index
from store.search.index import Hit
from store.search.query import NUMBER_RE
from store.search.discourse import Message, understand
from store.search.resolve import Understood, on_topic, resolve

log = logging.getLogger(__name__)

NOT_FOUND = "Các văn bản hiện có không trả lời được câu hỏi này."
TOPIC_DOCS = "Văn bản có nhắc đến chủ đề này:"
TRY_SEARCH = "Anh/chị có thể thử /tim <từ khóa> để tìm theo từ khóa, hoặc xem /vanban."
NOT_LOADED = ("Chưa có {ref} trong các văn bản đã nạp, nên tôi chưa trả lời được.\n"
              "Anh/chị có thể xem các văn bản đang có bằng lệnh /vanban.")
OFF_TOPIC = ("Xin lỗi, tôi chỉ trả lời câu hỏi về các văn bản thi đua – khen thưởng và báo cáo của xã.\n"
             "Anh/chị gõ /help để xem các lệnh.")
UNKNOWN_PLACE = ("Hiện chưa có văn bản nào của {place} trong hệ thống, nên tôi chưa trả lời được.\n"
                 "Anh/chị có thể xem các văn bản đang có bằng lệnh /vanban.")
RECHECK = timedelta(seconds=60)
MORE_PAGE = 4
MAX_TOPIC_DOCS = 3


def get_index(services: Services) -> SearchIndex:
    """The loaded index; re-checked against the database now and then, so an ingest done by
    another process (``python -m bot ingest``) reaches a running bot without a restart."""
    now = services.clock.now()
    checked = services.search_checked_at
    if not isinstance(services.search, SearchIndex) or checked is None or now - checked > RECHECK:
        services.search = ensure_index(services)  # cheap when unchanged: one fingerprint query
        services.search_checked_at = now
    return services.search


def decline(index: SearchIndex, result: SearchResult) -> Reply:
    """Not an answer: say so, name the documents that mention the topic, suggest /tim."""
    named = index.named_docs(result.query) if result.query.selectors else set()
    docs: list[int] = []
    for hit in sorted(result.hits, key=lambda h: (named and h.doc_id not in named, -h.confidence)):
        if hit.confidence >= TOPIC_CONFIDENCE and hit.doc_id not in docs:
            docs.append(hit.doc_id)
    docs = docs[:MAX_TOPIC_DOCS]
    lines = [NOT_FOUND, TRY_SEARCH] + ([TOPIC_DOCS] if docs else [])  # the buttons follow
    return Reply(text="\n".join(lines), buttons=[[OpenDocument(d).button(short_doc_label(index, d))] for d in docs])


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


def _mentioned(result: SearchResult, words: tuple[str, ...]) -> bool:
    """Does a ranked passage mention the reference ("kế hoạch số 45", "kế hoạch 45")?"""
    forms = (" ".join(words), " ".join(w for w in words if w != "so"))
    return any(f in vntext.search_key(h.text) for h in result.hits for f in forms)


def answer(services: Services, question: str | Message, home_provinces: Iterable[int] = (),
           chosen: Optional[int] = None) -> Reply:
    """The reply to a question about the directives (used by the handler and the benchmarks);
    ``chosen``: the document the asker picked when a reference matched several."""
    msg = question if isinstance(question, Message) else Message(question=question)
    if is_junk(msg.question):
        return Reply(text=NOT_UNDERSTOOD)
    index = get_index(services)
    home = list(home_provinces)
    understood: Understood = resolve(index, msg, home, chosen)
    if understood.choices:
        return which_document(index, msg.question, understood)
    only = frozenset({chosen}) if chosen is not None else frozenset()
    result = index.search(understood.question, home_provinces=home, limit=ANSWER_CANDIDATES, only=only)
    if understood.missing and (not _mentioned(result, understood.missing_words) or "signer" in result.query.intents):
        return Reply(text=NOT_LOADED.format(ref=ref_label(understood.missing)))  # its signer is in no passage
    if not on_topic(index, result.query):
        return Reply(text=OFF_TOPIC)
    if result.unknown_place:
        return Reply(text=UNKNOWN_PLACE.format(place=result.unknown_place))
    needs = needs_of(result.query)
    if needs.office:
        return office_answer(index, result, needs, today(services.clock)) or decline(index, result)
    fields = None if understood.missing else _from_fields(services, index, result)  # not another document's
    if fields is not None:
        return fields
    found = fitting_passage(index, result, needs)
    if found is None:
        return decline(index, result)
    best, body = found
    doc = index.index.docs[best.doc_id]
    if needs.current:  # "hiện nay": only as of the document
        body = f"Theo {doc_label(doc)}" + (f" (năm {doc.issued_year})" if doc.issued_year else "") + f":\n{body}"
    text = with_age(f"{body}\n\n{citation(doc, section_of(index, best), with_title=True)}", doc,
                    today(services.clock))
    buttons = [doc_buttons(doc.id, best.section_id)]
    others = [h for h in distinct(result.hits, {best.section_id}) if h.confidence >= MIN_CONFIDENCE]
    more = more_button(index, others)
    if more is not None:
        buttons.append([more])
    return Reply(text=text, buttons=buttons)


def _from_fields(services: Services, index: SearchIndex, result: SearchResult) -> Optional[Reply]:
    """A summary or a field (signer, date, number …) of the document the question names."""
    q = result.query
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
    return None


def _names_place_or_document(services: Services, text: str) -> bool:
    index = get_index(services)
    return bool(NUMBER_RE.search(text)) or bool(index.index.place_hits(vntext.search_key(text).split())[1])


def reply_to_text(ctx: Context, text: str) -> list[Reply]:
    """Small talk, the officer's own reporting, or an answer from the directives; a question
    wrapped in greetings and thanks is answered as the question."""
    chat = small_talk_reply(text)
    if chat is not None:
        return [Reply(text=chat)]
    msg = understand(text)
    if not msg.question:
        return [Reply(text=REPLIES["thanks"] if msg.thanks else REPLIES["greet"])]
    if is_own_reporting(msg.question, _names_place_or_document(ctx.services, msg.question)):
        return own_reporting_reply(ctx, msg.question)
    return [answer(ctx.services, msg, user_provinces(ctx))]


def question_reply(ctx: Context, text: str) -> Optional[list[Reply]]:
    """For dialogs: the replies to a question typed mid-dialog, or None when the text is not a
    question worth answering (small talk, a value, a stray word) so the step handles it."""
    if not text or small_talk_kind(text) is not None or not looks_like_question(text):
        return None
    if not can(ctx.officer, "ask"):
        return None
    replies = reply_to_text(ctx, text)
    # Off the documents' topic mid-dialog is no question to stop for ("Xã Không Có" is a commune
    # name with "không" in it): the step reads it as its answer.
    return None if [r.text for r in replies] == [OFF_TOPIC] else replies


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
            buttons.append([OpenSection(unit.section_id).button(f"{n}. Xem cả mục")])
        else:
            buttons.append([OpenDocument(unit.doc_id).button(f"{n}. Xem văn bản")])
    if rest:
        payload = ".".join(b36(u) for u in rest)
        buttons.append([MoreResults(index_key(index, payload), Rest(payload)).button("Kết quả khác")])
    ctx.audit("ask.more", (ctx.msg.button or "")[:64], "ok")
    return [Reply(text="\n".join(lines), buttons=buttons)]


async def pick_document(ctx: Context, data: WhichDocument) -> list[Reply]:
    """A document picked among those a short reference matched: the question answered from it."""
    if data.doc not in get_index(ctx.services).index.docs:
        raise Stale("a document no longer loaded")
    ctx.audit("ask.pick", str(data.doc), "ok")
    return [answer(ctx.services, Message(question=data.question), user_provinces(ctx), chosen=data.doc)]


def register(router: Router) -> None:
    """Free-text questions and the "Kết quả khác" button."""

    async def on_text(ctx: Context) -> list[Reply]:
        """Answers a question from the directives (or small talk, or the officer's reporting)."""
        if not can(ctx.officer, "ask"):
            ctx.audit("ask", "", "refused")
            return messages.text(messages.NOT_ALLOWED)
        return reply_to_text(ctx, ctx.msg.text or "")

    router.text_fallback(on_text)
    # question_reply answers questions typed mid-dialog: handlers/app.py claims that hook for it
    router.callback(MoreResults, action="ask")(more_results)
    router.callback(WhichDocument, action="ask")(pick_document)
