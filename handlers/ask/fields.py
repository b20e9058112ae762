"""Answers from a document's fields and structure: who signed, when, number, issuer, theme,
campaigns, reporting duties, recipients; "who holds office X" (only as "theo văn bản …");
"what is document X about" (a summary from its sections).
"""

from __future__ import annotations

import re
from typing import Optional


from handlers.ask.citation import age_note, citation, long_date, with_age
from store.clock import today
from datetime import date
from core.callbacks import OpenDocument, OpenSection
from core.context import Services
from store.directives.naming import doc_label, section_label
from store.vn.text import shorten
from core.types import Reply
from store.vn import text as vntext
from store.search.answer_fit import Needs
from store.directives.library import document_campaigns, document_duties, document_sections
from store.models import Document
from store.search.service import MIN_CONFIDENCE, SearchIndex, SearchResult
from store.search.index import DocInfo
from store.search.query import DOC_WORDS, INTENT_PATTERNS, STOPWORDS, has_phrase
from store.search.docref import issuer_level, typed_level

# Words a field question may carry besides its trigger: they do not make it a content question.
_FIELD_WORDS = DOC_WORDS | STOPWORDS | {"phong", "trao", "cuoc", "van", "dong", "bao", "cao", "chu", "de",
                                        "ten", "nguoi", "ngay", "thang", "gi", "nao", "ai", "hien", "nay",
                                        # verbs that go with "which campaigns / reports" questions
                                        "trien", "khai", "thuc", "to", "chuc", "ra", "neu", "co"}
SUMMARY_PHRASES = tuple(p.split() for p in (
    "noi ve gi", "noi ve van de gi", "noi ve viec gi", "noi dung chinh", "noi dung gi", "co noi dung gi",
    "tom tat", "noi gi", "ve viec gi", "gom nhung noi dung", "gom nhung gi", "yeu cau nhung gi",
    "noi dung the nao", "de cap gi", "de cap den gi", "co gi",
))
SUMMARY_SECTIONS = 6
DATE_NEEDS_ONE_OF = ("ban hanh", "ky", "chi thi", "ke hoach", "van ban", "thong bao", "nghi quyet", "phat dong")


def field_question(index: SearchIndex, result: SearchResult) -> Optional[tuple[str, DocInfo]]:
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
    doc = target_doc(index, result)
    if doc is None:
        return None
    trigger = {w for intent in intents for p in INTENT_PATTERNS[intent] for w in vntext.search_key(p).split()}
    numbers = {w for n in q.numbers for w in n.split()}
    naming = index.doc_tokens(doc.id)
    rest = [w for w in q.content if w not in _FIELD_WORDS and w not in trigger and w not in q.selectors
            and w not in numbers and not w.isdigit() and w not in naming]
    limit = 0 if intents & {"campaigns", "duties", "theme"} else 3 if intents == {"recipients"} else 1
    if len(rest) > limit:
        return None
    for intent in ("signer", "date", "number", "issuer", "recipients", "theme", "duties", "campaigns"):
        if intent == "date" and not any(has_phrase(q.folded, k) for k in DATE_NEEDS_ONE_OF):
            continue  # "thành lập ngày nào" asks for the date of something else, not of the document
        if intent in intents:
            return intent, doc
    return None


def target_doc(index: SearchIndex, result: SearchResult) -> Optional[DocInfo]:
    docs = index.index.docs
    if result.doc_hints:
        top = max(result.doc_hints.values())
        named = {d for d, b in result.doc_hints.items() if b >= top - 1e-9}
        level = typed_level(result.query.folded, set(result.query.selectors))
        at_level = {d for d in result.doc_hints if level and issuer_level(docs[d].issuer) == level}
        named = (named & at_level) or at_level or named if level else named
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
    return Reply(text=with_age(f"{text}\n\n{citation(doc)}", doc, today(services.clock)),
                 buttons=[[OpenDocument(doc.id).button("Xem văn bản")]])


def _listing(services: Services, doc: DocInfo, intent: str) -> Optional[str]:
    """Campaigns or reporting duties of a document, one bullet each."""
    with services.session_factory() as session:
        if intent == "campaigns":
            rows = document_campaigns(session, doc.id)
            items = [f"• “{c.name}”" + (f" ({c.period_text})" if c.period_text else "") for c in rows
                     if c.name != (doc.theme or "")]
            head = "Các phong trào, cuộc vận động nêu trong văn bản:"
        elif intent == "recipients":
            row = session.get(Document, doc.id)
            items = [f"• {r}" for r in (row.recipients if row is not None else []) if str(r).strip()]
            head = "Văn bản gửi đến (nơi nhận):"
        else:
            duties = document_duties(session, doc.id)
            items = [f"• {shorten(d.text, 300)}" for d in duties]
            head = "Chế độ báo cáo nêu trong văn bản:"
    if not items:
        return None
    return "\n".join([head] + items[:10])




def year_matches(doc: DocInfo, years: list[int]) -> bool:
    """A year named in a field question identifies the document: its issue year or its title's."""
    return not years or doc.issued_year in years or any(str(y) in (doc.title or "") for y in years)


# -- who holds an office: only "according to document …" ---------------------------------


def office_answer(index: SearchIndex, result: SearchResult, needs: Needs, on: date) -> Optional[Reply]:
    """'Ai là Chủ tịch UBND huyện Tuần Giáo?': the signer of a document of that office, as of it."""
    office = needs.office or ()
    named = index.named_docs(result.query)
    if not office or not named:
        return None
    place_words = set(result.query.selectors)
    matches = []
    for doc_id in named:
        doc = index.index.docs[doc_id]
        if not doc.signer or not doc.signer_title or not doc.issuer:
            continue
        title = vntext.search_key(doc.signer_title).split()
        issuer = set(f"{vntext.search_key(doc.issuer)} {_expand(doc.issuer)}".split())
        lead = [w for w in office if w not in place_words]
        head = next((o for o in _OFFICE_HEADS if tuple(lead[:len(o)]) == o), None)
        if head is None or not has_phrase(title, " ".join(head)):
            continue
        rest = [w for w in lead[len(head):] if w not in ("hien", "nay")]
        if all(w in issuer for w in rest):
            matches.append(doc)
    level = typed_level(result.query.folded, place_words)
    if level is not None:  # "UBND tỉnh Lai Châu" is not "UBND thành phố Lai Châu"
        matches = [d for d in matches if issuer_level(d.issuer) == level]
    if not matches:
        return None
    doc = max(matches, key=lambda d: (d.issued_year or 0, d.issued_month or 0))
    year = f" (năm {doc.issued_year})" if doc.issued_year else ""
    role = (doc.signer_title or "").split(" - ")[-1]
    text = (f"Theo {doc_label(doc)}{year}, người ký với chức danh {role} là {doc.signer}.\n"
            "Tôi chỉ biết theo văn bản này, không có thông tin ai giữ chức vụ đó hiện nay.")
    return Reply(text=with_age(f"{text}\n\n{citation(doc)}", doc, on),
                 buttons=[[OpenDocument(doc.id).button("Xem văn bản")]])


_OFFICE_HEADS = sorted((tuple(o.split()) for o in ("chu tich", "pho chu tich", "bi thu", "giam doc", "truong ban")),
                       key=len, reverse=True)


def _expand(text: str) -> str:
    folded = vntext.search_key(text)
    return folded.replace("ubnd", "uy ban nhan dan").replace("hdnd", "hoi dong nhan dan")


# -- what a document is about -------------------------------------------------------------
def summary_question(index: SearchIndex, result: SearchResult) -> Optional[DocInfo]:
    """The document when the question asks what it is about ("Chỉ thị 02 nói về gì?")."""
    q = result.query
    if not any(has_phrase(q.folded, " ".join(p)) for p in SUMMARY_PHRASES) or not result.doc_hints:
        return None
    if any(n not in index.index.numbers for n in q.numbers):
        return None
    doc = target_doc(index, result)
    if doc is None or not year_matches(doc, q.years):
        return None
    naming = index.doc_tokens(doc.id)
    summary_words = {w for p in SUMMARY_PHRASES for w in p}
    rest = [w for w in q.content if w not in _FIELD_WORDS and w not in summary_words and w not in q.selectors
            and not w.isdigit() and w not in naming]
    return doc if len(rest) <= 1 else None


def summary_reply(services: Services, doc: DocInfo) -> Reply:
    """Kind, issuer, date, title, theme, signer, and the main sections as buttons."""
    with services.session_factory() as session:
        rows = document_sections(session, doc.id)
        top = min((s.level for s in rows), default=0)
        main = [s for s in rows if s.level == top and vntext.search_key(s.heading or "") not in ("phan mo dau", "phan ket")]
        labels = [(s.id, section_label(s)) for s in main]
    lines = [f"📄 {doc_label(doc)}"]
    title = re.sub(r"^(?:về việc|v/v)[:\s]+", "", " ".join((doc.title or "").split()), flags=re.I)
    if title:
        lines.append(f"Về việc: {shorten(title, 200)}")
    if doc.theme:
        lines.append(f"Chủ đề: “{shorten(doc.theme, 200)}”")
    if labels:
        lines.append(f"Gồm {len(labels)} phần chính:")
        lines += [f"• {shorten(label, 90)}" for _, label in labels[:SUMMARY_SECTIONS]]
        if len(labels) > SUMMARY_SECTIONS:
            lines.append(f"• … và {len(labels) - SUMMARY_SECTIONS} phần khác")
    if doc.signer:
        lines.append(f"Người ký: {doc.signer}.")
    note = age_note(doc, today(services.clock))
    if note:
        lines.append(note)
    buttons = [[OpenSection(sid).button(shorten(label, 40))] for sid, label in labels[:SUMMARY_SECTIONS]]
    buttons.append([OpenDocument(doc.id).button("Xem văn bản")])
    return Reply(text="\n".join(lines), buttons=buttons)
