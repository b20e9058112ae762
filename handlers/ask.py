"""Questions in plain text: the best passage (or the asked-for field) with its citation.

Buttons: "sec:<id>" (whole section), "doc:<id>" (the document) — both handled by
handlers/documents.py — and "more:<key>:<units>" (further results). The "more" data
carries the next passages' index positions, tagged with a key derived from the index
fingerprint, so a button from an older index (or a forged one) is recognised as stale.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Iterable, Optional

from sqlalchemy import select

from core import messages
from handlers.citation import citation, long_date
from core.context import Context, Services
from handlers.documents import user_provinces
from core.permissions import can
from core.router import Router
from store.vntext import shorten
from core.types import Button, Reply
from store import vntext
from store.models import Campaign, Document, ReportingDuty
from store.search import MIN_CONFIDENCE, SearchIndex, SearchResult, ensure_index
from store.search_index import DocInfo, Hit
from store.search_query import DOC_WORDS, INTENT_PATTERNS, STOPWORDS

log = logging.getLogger(__name__)

NOT_FOUND = ("Xin lỗi, tôi chưa tìm thấy nội dung phù hợp với câu hỏi trong các văn bản hiện có.\n"
             "Anh/chị có thể thử /tim <từ khóa> để tìm theo từ khóa, hoặc /vanban để xem danh sách văn bản.")
UNKNOWN_PLACE = ("Hiện chưa có văn bản nào của {place} trong hệ thống, nên tôi chưa trả lời được.\n"
                 "Anh/chị có thể xem các văn bản đang có bằng lệnh /vanban.")
PASSAGE_TARGET = 420  # characters of answer text to aim for (whole sentences)
PASSAGE_MAX = 750
PASSAGE_CONTEXT = 520  # prepend the previous sentence when both fit in this
RECHECK = timedelta(seconds=60)
ANSWER_CANDIDATES = 30  # passages ranked (and checked for coverage) per question
MORE_PAGE = 4
MORE_UNITS = 8
# Words a field question may carry besides its trigger: they do not make it a content question.
_FIELD_WORDS = DOC_WORDS | STOPWORDS | {"phong", "trao", "cuoc", "van", "dong", "bao", "cao", "chu", "de",
                                        "ten", "nguoi", "ngay", "thang", "gi", "nao", "ai", "hien", "nay",
                                        # verbs that go with "which campaigns / reports" questions
                                        "trien", "khai", "thuc", "to", "chuc", "de", "ra", "neu", "co"}


def index_key(index: SearchIndex, payload: str) -> str:
    """4 hex chars binding button data to this index build (older or forged data fails)."""
    return hashlib.sha256(f"{index.fingerprint}|{payload}".encode()).hexdigest()[:4]


def get_index(services: Services) -> SearchIndex:
    """The loaded index; re-checked against the database now and then, so an ingest done by
    another process (``python -m bot ingest``) reaches a running bot without a restart."""
    now = services.clock.now()
    checked = services.search_checked_at
    if not isinstance(services.search, SearchIndex) or checked is None or now - checked > RECHECK:
        ensure_index(services)  # cheap when unchanged: one fingerprint query
        services.search_checked_at = now
    return services.search


# -- passages ---------------------------------------------------------------------
def passage_text(index: SearchIndex, hit: Hit, target: int = PASSAGE_TARGET) -> str:
    """The hit's sentence, followed by the next sentences of the same section up to ``target``."""
    units = index.index.units
    text = hit.text
    prev = hit.unit - 1
    if hit.section_id is not None and prev >= 0 and units[prev].section_id == hit.section_id \
            and len(units[prev].text) + len(text) <= PASSAGE_CONTEXT:
        text = f"{units[prev].text} {text}"  # the sentence before often says what this one is about
    pos = hit.unit + 1
    while len(text) < target and pos < len(units) and units[pos].section_id == hit.section_id \
            and units[pos].doc_id == hit.doc_id and hit.section_id is not None:
        text = f"{text} {units[pos].text}"
        pos += 1
    return shorten(text, PASSAGE_MAX)


def section_of(index: SearchIndex, hit: Hit) -> Optional[str]:
    return index.index.section_labels.get(hit.section_id) if hit.section_id is not None else None


def doc_buttons(hit_doc: int, section_id: Optional[int]) -> list[Button]:
    row = []
    if section_id is not None:
        row.append(Button("Xem cả mục", f"sec:{section_id}"))
    row.append(Button("Xem văn bản", f"doc:{hit_doc}"))
    return row


def more_button(index: SearchIndex, hits: Iterable[Hit]) -> Optional[Button]:
    units = [h.unit for h in hits][:MORE_UNITS]
    if not units:
        return None
    payload = ".".join(_b36(u) for u in units)
    return Button("Kết quả khác", f"more:{index_key(index, payload)}:{payload}")


def _b36(n: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = chars[r] + out
        if n == 0:
            return out


def _distinct(hits: list[Hit], skip: set[Optional[int]] = frozenset()) -> list[Hit]:
    """One hit per section (the best), skipping sections already shown."""
    seen = set(skip)
    out = []
    for h in hits:
        key = h.section_id if h.section_id is not None else -h.doc_id
        if key in seen:
            continue
        seen.add(key)
        out.append(h)
    return out


# -- field answers ------------------------------------------------------------------
def _field_question(index: SearchIndex, result: SearchResult) -> Optional[tuple[str, DocInfo]]:
    """The asked-for field and document when the question is only about a document's fields.

    Words that name the document (its title, issuer, place, kind) do not make the question a
    content question: "Ai ký Chỉ thị phát động phong trào thi đua yêu nước năm 2021?" is about
    the signer. A number the corpus does not have ("Chỉ thị 09/CT-UBND") is not ours to answer
    from fields: the passage search finds where it is mentioned.
    """
    q = result.query
    intents = q.intents
    if not intents or any(n not in index.index.numbers for n in q.numbers):
        return None
    doc = _target_doc(index, result)
    if doc is None:
        return None
    trigger = {w for intent in intents for p in INTENT_PATTERNS[intent] for w in vntext.search_key(p).split()}
    numbers = {w for n in q.numbers for w in n.split()}
    naming = index.doc_tokens(doc.id)
    rest = [w for w in q.content if w not in _FIELD_WORDS and w not in trigger and w not in q.selectors
            and w not in numbers and not w.isdigit() and w not in naming]
    if len(rest) > (0 if intents & {"campaigns", "duties", "theme"} else 1):
        return None
    for intent in ("signer", "date", "number", "issuer", "recipients", "theme", "duties", "campaigns"):
        if intent in intents:
            return intent, doc
    return None


def _target_doc(index: SearchIndex, result: SearchResult) -> Optional[DocInfo]:
    docs = index.index.docs
    if result.doc_hints:
        top = max(result.doc_hints.values())
        named = {d for d, b in result.doc_hints.items() if b >= top - 1e-9}
        for hit in result.hits:
            if hit.doc_id in named:
                return docs[hit.doc_id]
        return docs[min(named)]
    best = result.best
    if best is not None and best.confidence >= MIN_CONFIDENCE:
        return docs[best.doc_id]
    return None


def field_answer(services: Services, doc: DocInfo, intent: str) -> Optional[Reply]:
    """Answer a who-signed / when / which number / to whom / theme / campaigns / duties question."""
    if intent == "signer":
        text = (f"Người ký: {doc.signer}" + (f" ({doc.signer_title})." if doc.signer_title else ".")
                if doc.signer else None)
    elif intent == "date":
        when = long_date(doc)
        text = f"Văn bản ban hành {when}." if when else "Văn bản không ghi ngày ban hành."
    elif intent == "number":
        text = (f"Số hiệu: {doc.number}." if doc.number
                else "Văn bản chưa ghi số" + (f" (…{doc.number_suffix})." if doc.number_suffix else "."))
    elif intent == "issuer":
        text = f"Cơ quan ban hành: {doc.issuer}." if doc.issuer else None
    elif intent == "theme":
        text = f"Chủ đề: “{doc.theme}”." if doc.theme else None
    elif intent in ("campaigns", "duties", "recipients"):
        text = _listing(services, doc, intent)
    else:
        text = None
    if not text:
        return None
    return Reply(text=f"{text}\n\n{citation(doc)}", buttons=[[Button("Xem văn bản", f"doc:{doc.id}")]])


def _listing(services: Services, doc: DocInfo, intent: str) -> Optional[str]:
    """Campaigns or reporting duties of a document, one bullet each."""
    with services.session_factory() as session:
        if intent == "campaigns":
            rows = session.scalars(select(Campaign).where(Campaign.document_id == doc.id).order_by(Campaign.id)).all()
            items = [f"• “{c.name}”" + (f" ({c.period_text})" if c.period_text else "") for c in rows
                     if c.name != (doc.theme or "")]
            head = "Các phong trào, cuộc vận động nêu trong văn bản:"
        elif intent == "recipients":
            row = session.get(Document, doc.id)
            items = [f"• {r}" for r in (row.recipients if row is not None else []) if str(r).strip()]
            head = "Văn bản gửi đến (nơi nhận):"
        else:
            rows = session.scalars(select(ReportingDuty).where(ReportingDuty.document_id == doc.id)
                                   .order_by(ReportingDuty.id)).all()
            items = [f"• {shorten(d.text, 300)}" for d in rows]
            head = "Chế độ báo cáo nêu trong văn bản:"
    if not items:
        return None
    return "\n".join([head] + items[:10])


# -- the answer -------------------------------------------------------------------------
def answer(services: Services, question: str, home_provinces: Iterable[int] = ()) -> Reply:
    """The reply to a free-text question (used by the handler and the benchmarks)."""
    index = get_index(services)
    result = index.search(question, home_provinces=home_provinces, limit=ANSWER_CANDIDATES)
    if result.unknown_place:
        return Reply(text=UNKNOWN_PLACE.format(place=result.unknown_place))
    field = _field_question(index, result)
    if field is not None:
        reply = field_answer(services, field[1], field[0])
        if reply is not None:
            return reply
    best = result.best
    if best is None or best.confidence < MIN_CONFIDENCE:
        return Reply(text=NOT_FOUND)
    doc = index.index.docs[best.doc_id]
    body = passage_text(index, best)
    text = f"{body}\n\n{citation(doc, section_of(index, best), with_title=True)}"
    buttons = [doc_buttons(doc.id, best.section_id)]
    others = [h for h in _distinct(result.hits, {best.section_id}) if h.confidence >= MIN_CONFIDENCE]
    more = more_button(index, others)
    if more is not None:
        buttons.append([more])
    return Reply(text=text, buttons=buttons)


def more_results(ctx: Context) -> list[Reply]:
    """The "Kết quả khác" button: the next passages of an earlier answer."""
    index = get_index(ctx.services)
    data = ctx.msg.button or ""
    parts = data.split(":")
    units: list[int] = []
    if len(parts) == 3 and index_key(index, parts[2]) == parts[1]:
        try:
            units = [int(u, 36) for u in parts[2].split(".")]
        except ValueError:
            units = []
    if not units or any(u < 0 or u >= len(index.index.units) for u in units):
        ctx.audit("ask.more", data[:64], "stale")
        return messages.text(messages.STALE_BUTTON)
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
        payload = ".".join(_b36(u) for u in rest)
        buttons.append([Button("Kết quả khác", f"more:{index_key(index, payload)}:{payload}")])
    ctx.audit("ask.more", data[:64], "ok")
    return [Reply(text="\n".join(lines), buttons=buttons)]


def register(router: Router) -> None:
    """Free-text questions and the "Kết quả khác" button."""

    async def on_text(ctx: Context) -> list[Reply]:
        """Answers a question from the directives."""
        if not can(ctx.officer, "ask"):
            ctx.audit("ask", "", "refused")
            return messages.text(messages.NOT_ALLOWED)
        return [answer(ctx.services, ctx.msg.text or "", user_provinces(ctx))]

    router.on_text = on_text

    @router.button("more")
    async def more(ctx: Context) -> list[Reply]:
        """Further results of an answer."""
        if not can(ctx.officer, "ask"):
            ctx.audit("ask.more", ctx.msg.button or "", "refused")
            return messages.text(messages.NOT_ALLOWED)
        return more_results(ctx)
