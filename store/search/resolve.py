"""From a message to the text the search reads: the question, short numbers spelt out, the
place of a context sentence carried over, and a reference to a document that is not loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from store.search.query import Query, analyze
from store.search.service import SearchIndex
from store.search.places import place_words
from store.search.query import NUMBER_RE
from store.search.docref import ShortRef, short_refs, spell_out
from store.search.discourse import Message
from store.vn import text as vntext


@dataclass(frozen=True)
class Understood:
    question: str  # what the search reads
    missing: Optional[str] = None  # "ke hoach so 45": a short reference no loaded document has
    missing_words: tuple[str, ...] = ()  # its folded words, to tell a mention in a passage
    choices: tuple[int, ...] = ()  # a short reference several loaded documents answer to: ask which
    reference: str = ""  # that reference as typed, folded ("chi thi so 02")


def _places(index: SearchIndex, text: str) -> list[tuple[str, ...]]:
    return index.index.place_hits(place_words(vntext.search_key(text).split()))[1]


_DISPLAY: dict[str, dict[str, str]] = {}  # index fingerprint → folded number → number as printed


def _display(index: SearchIndex) -> dict[str, str]:
    found = _DISPLAY.get(index.fingerprint)
    if found is None:
        _DISPLAY.clear()  # one index at a time: the previous build's numbers are stale
        found = _DISPLAY[index.fingerprint] = {vntext.fold(d.number): d.number
                                               for d in index.index.docs.values() if d.number}
    return found


def _same(folded: str, accented: str) -> tuple[str, str]:
    return folded, accented


def _narrowed(index: SearchIndex, question: str, ids: list[int], home: set[int]) -> list[int]:
    """The documents a short reference may mean: of the place and year the question names, else
    of the asker's province (each narrows only when some candidate fits it)."""
    docs = index.index.docs
    q = analyze(question, _same)
    named = index.named_docs(q)
    keep = list(ids)
    for fitting in ({d for d in keep if d in named}, {d for d in keep if docs[d].issued_year in q.years}):
        keep = [d for d in keep if d in fitting] or keep
    return [d for d in keep if docs[d].province_code in home] or keep


def _distinct(index: SearchIndex, ids: list[int]) -> list[int]:
    """One document per number and issuer (the same directive loaded twice is one choice)."""
    firsts: dict[tuple[str, str], int] = {}
    for d in sorted(ids):
        doc = index.index.docs[d]
        firsts.setdefault((vntext.fold(doc.number or ""), vntext.search_key(doc.issuer)), d)
    return list(firsts.values())


def _pick(index: SearchIndex, question: str, ref: ShortRef, home: set[int], chosen: Optional[int]) -> tuple[int, ...]:
    """Fix ``ref.full`` to the document meant; the documents to choose from when several remain."""
    docs = index.index.docs
    if chosen is not None and chosen in ref.docs:
        ref.full = vntext.fold(docs[chosen].number or "")
        return ()
    keep = _distinct(index, _narrowed(index, question, ref.docs, home))
    if len({vntext.fold(docs[d].number or "") for d in keep}) == 1:
        ref.full = vntext.fold(docs[keep[0]].number or "")
    return tuple(keep) if len(keep) > 1 else ()


def resolve(index: SearchIndex, msg: Message, home_provinces: Iterable[int] = (),
            chosen: Optional[int] = None) -> Understood:
    """The searchable question of ``msg`` against the loaded documents; ``chosen`` is the
    document the asker picked among the ones a short reference matched."""
    home = set(home_provinces)
    refs = short_refs(msg.question, index.index.numbers)
    for ref in refs:
        choices = _pick(index, msg.question, ref, home, chosen) if len(ref.docs) > 1 else ()
        if choices:
            return Understood(msg.question, choices=choices, reference=ref.label)
    question = spell_out(msg.question, refs, _display(index))
    if msg.context and not NUMBER_RE.search(question) and not _places(index, question):
        carried = _places(index, msg.context)  # "Xã em ở Tam Đường cũ. Kế hoạch của huyện …?"
        if carried:
            question = f"{question} ({', '.join(' '.join(p) for p in carried)})"
    missing = next((r for r in refs if not r.docs), None)
    if missing is None:
        return Understood(question)
    return Understood(question, missing.label, tuple(vntext.search_key(missing.label).split()))


def on_topic(index: SearchIndex, q: Query) -> bool:
    """Does the question touch what the documents are about: a word pair they use, a document
    number, a field asked of a document, a place they cover? "Thời tiết Hà Nội hôm nay thế nào"
    does not. (``q.selectors`` is filled by the search.)"""
    pairs = q.content_bigrams()
    return bool(q.numbers or q.intents or q.selectors or not pairs or any(index.index.known(p) for p in pairs))
