"""Questions generated from the loaded directives, for training and measuring answerability.

For each section, sentences become questions whose answer is in that section: an answer slot
(a date, a year, a counted number, a quoted name, a body such as "Sở …", an ordinal "lần thứ
V", or, failing those, what the clause says) is replaced by the question word that asks for
it, a few of the sentence's words around it are kept, and a reference to the document is
added half the time (its kind, place, year, short number). Near misses are built beside them:
the same question about another loaded document, about a year the document is not of, with
the topic words swapped for facts no document holds, or asking for a kind of answer the
sentence does not have. Every question is then typed in one of the variants officers use.

Splits are by section (train / validation / held-back test), so a section's questions never
straddle them. Nothing here is written by hand for a particular document.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from store.vn import text as vntext

VARIANTS = ("plain", "nodiac", "oldtone", "typo", "polite", "short", "abbrev", "context")
OPENERS = ("Dạ cho em hỏi", "Cho mình hỏi", "Xin chào, cho tôi hỏi", "Em chào anh chị ạ. Anh chị cho em hỏi",
           "Bot ơi, cho em hỏi", "Kính gửi Văn phòng, xin hỏi", "Chào bạn! Mình muốn hỏi", "Anh ơi cho em hỏi tí,",
           "Dạ em xin phép hỏi ạ:", "Chị ơi cho em hỏi với,")
CLOSERS = ("ạ", "ạ, em cảm ơn", "ạ? Em cảm ơn anh chị nhiều ạ", "vậy? Cảm ơn bot", "nhé, cảm ơn nhiều.",
           "ạ. Em xin cảm ơn!", "", "?", "với ạ", "ạ. Trân trọng cảm ơn.")
CONTEXTS = ("Xã em đang làm báo cáo tổng kết.", "Em mới nhận công tác thi đua ở xã.",
            "Hôm qua họp giao ban có nhắc tới việc này.", "Đơn vị em đang xây dựng kế hoạch năm nay.",
            "Chúng tôi cần trích dẫn cho đúng văn bản.", "Phòng em đang rà soát văn bản cũ.")
ABBREV = (("như thế nào", "ntn"), ("được", "dc"), ("không", "k"), ("bao nhiêu", "bn"), ("gì", "j"),
          ("văn bản", "vb"), ("chỉ thị", "ct"), ("kế hoạch", "kh"), ("thành phố", "tp"), ("những", "nhg"),
          ("yêu cầu", "y/c"), ("người", "ng"), ("nhiệm vụ", "nvu"), ("phong trào", "ptrao"))
OLD_TONES = (("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"), ("ủy", "uỷ"), ("úy", "uý"),
             ("ùy", "uỳ"), ("ụy", "uỵ"), ("óe", "oé"), ("òe", "oè"))
TELEX = {"́": "s", "̀": "f", "̉": "r", "̃": "x", "̣": "j"}
# Topics no directive of this kind settles: swapped in for "facts that are absent".
ABSENT = ("mức tiền thưởng", "số điện thoại", "địa chỉ trụ sở", "kinh phí hỗ trợ", "số hộ nghèo", "mức lương",
          "hạn nộp hồ sơ", "biên chế", "học phí", "giá vé", "bảo hiểm y tế", "diện tích đất", "số ca mắc",
          "thời tiết", "giá vàng", "tỷ lệ tăng trưởng", "số thành viên", "mẫu đơn", "quy trình xét tặng")

_SENT = re.compile(r"(?<=[.;:!?])\s+|\n+")
_SLOTS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("day", re.compile(r"(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4}"), "ngày nào"),
    ("day", re.compile(r"ngày \d{1,2} tháng \d{1,2} năm \d{4}"), "ngày nào"),
    ("year", re.compile(r"(?:năm\s+)(?:19|20)\d\d\b"), "năm nào"),
    ("ordinal", re.compile(r"(?<=lần thứ )[IVXL]+\b|(?<=khóa )[IVXL]+\b"), "mấy"),
    ("number", re.compile(r"\b\d{1,3}(?:[.,]\d+)?\s*(?:%|(?=\s+[^\W\d_]))"), "bao nhiêu"),
    ("name", re.compile(r"[“\"]([^”\"]{6,120})[”\"]"), "gì"),
    ("who", re.compile(r"\b(?:Sở|Ban|Phòng|Hội đồng|Trung tâm|Ủy ban|UBND|Bộ)(?:\s+[A-ZĐÀ-Ỹ][^\s,;.()]*)+"), "cơ quan nào"),
)
_TYPE_WORDS = {"day": "ngày nào", "year": "năm nào", "number": "bao nhiêu", "who": "ai"}


@dataclass
class Generated:
    id: str
    question: str
    doc_id: int
    section_id: Optional[int]  # the section holding the answer; None for a near miss
    label: int  # 1 answerable from section_id, 0 not answerable
    answer: str  # the text the question asks for (positives), folded
    kind: str  # how it was made: slot kind or near-miss kind
    variant: str
    split: str


@dataclass
class DocView:
    id: int
    kind: str
    number: Optional[str]
    place: str
    year: Optional[int]
    level: str


def split_of(key: str) -> str:
    h = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10
    return "train" if h < 6 else "validation" if h < 8 else "test"


def _words(text: str) -> list[str]:
    return text.split()


def _window(sentence: str, start: int, end: int, rng: random.Random) -> tuple[str, str]:
    """Up to a few words before and after a slot, cut at clause marks."""
    before = re.split(r"[,;:()]", sentence[:start])[-1].split()[-rng.randint(3, 7):]
    after = re.split(r"[,;:()]", sentence[end:])[0].split()[:rng.randint(2, 6)]
    return " ".join(before), " ".join(after)


def question_from(sentence: str, rng: random.Random) -> Optional[tuple[str, str, str]]:
    """(question body, slot kind, answer text) from one sentence, or None when it holds too little."""
    if len(sentence.split()) < 7:
        return None
    slots = [(k, m, w) for k, rx, w in _SLOTS for m in rx.finditer(sentence)]
    if slots:
        kind, m, word = rng.choice(slots)
        before, after = _window(sentence, m.start(), m.end(), rng)
        body = f"{before} {word} {after}".strip()
        if len(body.split()) < 4:
            return None
        return body, kind, m.group(0)
    words = sentence.split()
    start = rng.randint(0, max(0, len(words) - 7))
    span = " ".join(words[start:start + rng.randint(5, 8)]).strip(",;:.")
    return f"{span} như thế nào", "clause", span


def doc_ref(doc: DocView, rng: random.Random, short: bool = False) -> str:
    kind = doc.kind.lower() or "văn bản"
    if short and doc.number:
        return f"{kind} {doc.number.split('/')[0]}"
    parts = [kind]
    if rng.random() < 0.8 and doc.place:
        parts.append(f"của {doc.level} {doc.place}".replace("  ", " ") if doc.level else f"của {doc.place}")
    if doc.year and rng.random() < 0.5:
        parts.append(f"năm {doc.year}")
    return " ".join(parts)


def _typo(text: str, rng: random.Random) -> str:
    """One or two words mistyped: a key pressed twice, or Telex left in ("chir", "ddua")."""
    words = text.split()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) < 3 or not w.isalpha():
            continue
        if vntext.has_diacritics(w) and rng.random() < 0.5:
            words[i] = vntext.fold(w) + rng.choice("sfrxj")
        else:
            j = rng.randrange(1, len(w))
            words[i] = w[:j] + w[j - 1] + w[j:]
    return " ".join(words)


def variant_text(question: str, variant: str, rng: random.Random) -> str:
    """``question`` typed the way ``variant`` says."""
    if variant == "nodiac":
        return vntext.fold(question)
    if variant == "oldtone":
        for new, old in OLD_TONES:
            question = question.replace(new, old)
        return question
    if variant == "typo":
        return _typo(question, rng)
    if variant == "polite":
        return f"{rng.choice(OPENERS)} {question[0].lower()}{question[1:].rstrip('?')} {rng.choice(CLOSERS)}".strip()
    if variant == "abbrev":
        for full, short in ABBREV:
            if rng.random() < 0.7:
                question = re.sub(rf"\b{full}\b", short, question, flags=re.I)
        return question
    if variant == "context":
        return f"{rng.choice(CONTEXTS)} {question}"
    return question


def generate(sections: Iterable[tuple[int, int, str]], docs: dict[int, DocView], doc_words: dict[int, set[str]],
             per_section: int = 6, seed: int = 20) -> list[Generated]:
    """Questions from ``sections`` (section id, document id, text); ``doc_words``: each document's
    folded words, so a near miss about another document is made only where that one lacks the topic."""
    rng = random.Random(seed)
    out: list[Generated] = []
    others = list(docs)
    for sec_id, doc_id, text in sections:
        sentences = [s.strip() for s in _SENT.split(text) if len(s.split()) >= 7]
        if not sentences:
            continue
        split = split_of(f"{doc_id}:{sec_id}")
        doc = docs[doc_id]
        for n in range(per_section):
            made = question_from(rng.choice(sentences), rng)
            if made is None:
                continue
            body, kind, answer = made
            variant = VARIANTS[(len(out) + n) % len(VARIANTS)]
            ref = doc_ref(doc, rng, short=variant == "short") if rng.random() < 0.6 or variant == "short" else ""
            q = f"{body} theo {ref}?" if ref else f"{body}?"
            out.append(Generated(f"g{len(out):05d}", variant_text(q, variant, rng), doc_id, sec_id, 1,
                                 vntext.search_key(answer), kind, variant, split))
            other = docs[rng.choice(others)]
            topic = set(vntext.search_key(body).split())
            if other.id != doc.id and len(topic & doc_words[other.id]) >= 0.7 * len(topic):
                other = doc  # that document holds the topic too: no near miss about it
            out.append(_near_miss(body, kind, doc, other, rng, split, len(out)))
    return out


def _near_miss(body: str, kind: str, doc: DocView, other: DocView, rng: random.Random, split: str,
               n: int) -> Generated:
    """A question like a good one that no loaded document answers."""
    how = rng.choice(("absent", "absent", "type", "other_doc", "year"))
    q = body
    if how == "absent" or (how == "other_doc" and other.id == doc.id):
        words = [w for w in body.split() if len(w) > 2]
        if words:
            q = body.replace(rng.choice(words), rng.choice(ABSENT), 1)
        how = "absent"
    elif how == "type":
        q = re.sub(r"\b(ngày nào|năm nào|bao nhiêu|mấy|gì|cơ quan nào|như thế nào)\b",
                   _TYPE_WORDS[rng.choice([k for k in _TYPE_WORDS if k != kind])], body, count=1)
        if q == body:
            q = f"{body} vào ngày nào"
    if how == "other_doc":
        q = f"{q} theo {doc_ref(other, rng)}?"
    elif how == "year":
        q = f"{q} theo {doc.kind.lower()} của {doc.place} năm {(doc.year or 2020) - rng.randint(2, 6)}?"
    else:
        q = f"{q}?"
    variant = VARIANTS[n % len(VARIANTS)]
    return Generated(f"g{n:05d}", variant_text(q, variant, rng), other.id if how == "other_doc" else doc.id, None,
                     0, "", how, variant, split)
