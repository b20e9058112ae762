"""The question inside a message: discourse stripped, chat abbreviations spelt out.

Officers write to a province office the way they write to a superior: "Dạ cho em hỏi … ạ, em
cảm ơn", "Xin chào, …?", "Bot ơi, …", a sentence of context before the question, "ntn",
"dc", "k". ``understand(text)`` returns the question alone (what the search reads), the
context sentences before it, and whether the message also greeted or thanked.

The rules are about the shape of discourse, never about particular questions:
- a leading clause made only of greeting/address/request words ("Em chào anh chị ạ,",
  "Kính gửi Văn phòng,", "anh ơi cho em hỏi tí") is dropped, up to a punctuation mark, the end
  of the sentence, or the verb "hỏi" that closes a request ("cho em hỏi", "xin phép hỏi");
- a trailing run of particles ("ạ", "vậy", "nhé") or of thanks ("em cảm ơn anh chị nhiều ạ")
  is dropped;
- a sentence left empty was discourse only; of the rest, the last one that asks something is
  the question and the ones before it are context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.vn import text as vntext

# Discourse words as typed with marks; without marks, their folded forms count.
GREETING_WORDS = "chào xin kính gửi hello hi alo hey thưa dạ vâng"
ADDRESS_WORDS = ("anh chị em e bạn bot ad admin đồng chí mọi người cả nhà thầy cô bác chú mình tôi tui tớ ơi ạ "
                 "văn phòng sở ban quý")
REQUEST_WORDS = "cho xin phép muốn nhờ giúp hỏi với tí chút xíu được cần"
THANKS_WORDS = "cảm cám ơn thank thanks tks trân trọng nhiều lắm rất xin"
PARTICLE_WORDS = "ạ ak ah nhé nha nhỉ hả vậy v với nhen nè à"


def _forms(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _folded(words: str) -> frozenset[str]:
    return frozenset(vntext.search_key(w).replace(" ", "") for w in words.split())


GREETINGS, ADDRESS, REQUEST = _folded(GREETING_WORDS), _folded(ADDRESS_WORDS), _folded(REQUEST_WORDS)
THANKS, PARTICLES = _folded(THANKS_WORDS), _folded(PARTICLE_WORDS)
LEAD_VOCAB = GREETINGS | ADDRESS | REQUEST
TRAIL_VOCAB = ADDRESS | THANKS | PARTICLES
_ACCENTED = _forms(" ".join((GREETING_WORDS, ADDRESS_WORDS, REQUEST_WORDS, THANKS_WORDS, PARTICLE_WORDS)))
REQUEST_END = frozenset({"hoi"})  # "cho em hỏi", "xin hỏi", "em muốn hỏi"
AFTER_REQUEST = frozenset("ti chut xiu voi a nhe".split())
CLAUSE_END = re.compile(r"[,.!:;…?]+$")
MAX_LEAD = 9  # longer runs of such words are no opening formula

# Chat abbreviations (lowercase token → words); "kh" and "v" depend on where they stand.
ABBREVIATIONS = {
    "ntn": "như thế nào", "dc": "được", "đc": "được", "k": "không", "ko": "không", "hk": "không",
    "hok": "không", "khg": "không", "kg": "không", "bn": "bao nhiêu", "j": "gì", "vb": "văn bản",
    "ct": "chỉ thị", "tp": "thành phố", "ng": "người", "y/c": "yêu cầu", "nvu": "nhiệm vụ", "nv": "nhiệm vụ",
    "nhg": "những", "nhữg": "những", "đ/c": "đồng chí", "tđyn": "thi đua yêu nước",
    "tdyn": "thi đua yêu nước", "tđkt": "thi đua khen thưởng", "tdkt": "thi đua khen thưởng",
    "ptrao": "phong trào", "pt": "phong trào", "qđ": "quyết định", "qd": "quyết định",
    "nq": "nghị quyết", "cv": "công văn", "tb": "thông báo", "bc": "báo cáo", "ko?": "không?",
    "trc": "trước", "ns": "nói", "vs": "với", "mn": "mọi người", "ntn?": "như thế nào?",
}
KIND_CODES = {"ct": "chỉ thị", "kh": "kế hoạch", "qđ": "quyết định", "qd": "quyết định", "nq": "nghị quyết",
              "tb": "thông báo", "cv": "công văn"}
_GLUED_CODE = re.compile(r"^(ct|kh|qđ|qd|nq|tb|cv)[-.]?(\d{1,4})$", re.IGNORECASE)
QUESTION_WORDS = tuple(tuple(p.split()) for p in (
    "ai", "gi", "nao", "bao nhieu", "may", "dau", "khi nao", "bao gio", "the nao", "nhu nao", "ra sao",
    "co phai", "hay khong", "khong", "chua", "sao",
))
_SENTENCES = re.compile(r"(?<=[?!])\s+|(?<=\.)\s+(?=[^\W\d_])|\n+")


@dataclass(frozen=True)
class Message:
    """What a message holds: the question (searchable text), context before it, courtesies."""

    question: str
    context: str = ""
    greeting: bool = False
    thanks: bool = False


def _key(token: str) -> str:
    """The folded discourse word a token is, or "" when typed marks make it another word ("Hội")."""
    core = token.strip(",.!?:;…\"'“”()")
    if vntext.has_diacritics(core) and vntext.normalize(core).lower() not in _ACCENTED:
        return ""
    return vntext.search_key(core).replace(" ", "")


def _lead_cut(tokens: list[str]) -> int:
    """How many leading tokens are an opening formula (0 when none)."""
    best = 0
    for i, tok in enumerate(tokens[:MAX_LEAD]):
        k = _key(tok)
        if k not in LEAD_VOCAB:
            break
        cut = i + 1
        if k in REQUEST_END:  # "cho em hỏi tí", "xin hỏi với ạ"
            while cut < len(tokens) and _key(tokens[cut]) in AFTER_REQUEST and not CLAUSE_END.search(tokens[cut - 1]):
                cut += 1
        elif not (CLAUSE_END.search(tok) or cut == len(tokens)):
            continue
        if CLAUSE_END.search(tokens[cut - 1]) or cut == len(tokens) or {_key(t) for t in tokens[:cut]} & REQUEST:
            best = cut
    return best


def _trail_cut(tokens: list[str]) -> int:
    """How many trailing tokens are particles or thanks (0 when none)."""
    n = 0
    for tok in reversed(tokens):
        if _key(tok) not in TRAIL_VOCAB:
            break
        n += 1
    while n:
        tail = {_key(t) for t in tokens[len(tokens) - n:]}
        if (tail <= PARTICLES | ADDRESS and tail & PARTICLES) or tail & {"cam", "on", "thank", "thanks", "tks"} \
                or CLAUSE_END.search(tokens[len(tokens) - n - 1] if n < len(tokens) else ","):
            return n
        n -= 1  # "… của anh": an address word that belongs to the question
    return 0


def expand(tokens: list[str]) -> list[str]:
    """Chat abbreviations spelt out; "CT02" → "chỉ thị 02"; "kh" is "kế hoạch" before a word."""
    out: list[str] = []
    for i, tok in enumerate(tokens):
        core = tok.strip(",.!?:;…")
        low, tail = core.lower(), tok[len(tok.rstrip(",.!?:;…")):]
        glued = _GLUED_CODE.match(low)
        last = i == len(tokens) - 1
        if glued:
            out.append(f"{KIND_CODES[glued.group(1).lower()]} {glued.group(2)}{tail}")
        elif low == "kh":
            out.append(("không" if last else "kế hoạch") + tail)
        elif low == "v" and last:
            out.append("vậy" + tail)
        elif low == "h" and i + 1 < len(tokens) and tokens[i + 1][:1].isupper():
            out.append("huyện" + tail)
        elif low in ABBREVIATIONS:
            out.append(ABBREVIATIONS[low] + tail)
        else:
            out.append(tok)
    return out


def _strip(sentence: str) -> tuple[str, bool, bool]:
    """A sentence without its opening formula and trailing courtesies; greeted?, thanked?"""
    tokens = sentence.split()
    if all(_key(t) in LEAD_VOCAB | TRAIL_VOCAB for t in tokens):  # "Dạ em cảm ơn ạ", "Bot ơi"
        keys = {_key(t) for t in tokens}
        return "", bool(keys & (GREETINGS - {"da", "vang", "xin"})), bool(keys & {"cam", "thank", "thanks", "tks"})
    lead = _lead_cut(tokens)
    greeted = any(_key(t) in GREETINGS - {"da", "vang", "xin"} for t in tokens[:lead])
    tokens = tokens[lead:]
    trail = _trail_cut(tokens)
    thanked = any(_key(t) in {"cam", "thank", "thanks", "tks"} for t in tokens[len(tokens) - trail:]) if trail else False
    tokens = tokens[:len(tokens) - trail]
    text = " ".join(expand(tokens)).strip(" ,;:-–")
    return text, greeted, thanked


def asks(sentence: str) -> bool:
    """Does a sentence ask something (a question mark or a question word)?"""
    if "?" in sentence:
        return True
    words = vntext.search_key(sentence).split()
    return any(tuple(words[i:i + len(p)]) == p for p in QUESTION_WORDS for i in range(len(words)))


def understand(text: str) -> Message:
    """The question in ``text``, its context sentences, and the courtesies around it."""
    parts = [p for p in _SENTENCES.split(vntext.nfc(text).strip()) if p and p.strip()]
    kept: list[str] = []
    greeting = thanks = False
    for part in parts:
        body, greeted, thanked = _strip(part.strip())
        greeting, thanks = greeting or greeted, thanks or thanked
        if vntext.search_key(body):
            kept.append(body)
    if not kept:
        return Message(question="", greeting=greeting, thanks=thanks)
    at = max((i for i, s in enumerate(kept) if asks(s)), default=len(kept) - 1)
    return Message(question=kept[at], context=" ".join(kept[:at]), greeting=greeting, thanks=thanks)
