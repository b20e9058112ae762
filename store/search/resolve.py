"""From a message to the text the search reads: the question, short numbers spelt out, the
place of a context sentence carried over, and a reference to a document that is not loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from store.search.query import Query
from store.search.service import SearchIndex
from store.search.places import place_words
from store.search.query import NUMBER_RE
from store.search.docref import short_refs, spell_out
from store.search.discourse import Message
from store.vn import text as vntext


@dataclass(frozen=True)
class Understood:
    question: str  # what the search reads
    missing: Optional[str] = None  # "ke hoach so 45": a short reference no loaded document has
    missing_words: tuple[str, ...] = ()  # its folded words, to tell a mention in a passage


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


def resolve(index: SearchIndex, msg: Message, home_provinces: Iterable[int] = ()) -> Understood:
    """The searchable question of ``msg`` against the loaded documents."""
    docs = index.index.docs
    refs = short_refs(msg.question, index.index.numbers)
    if any(len(r.docs) > 1 for r in refs):  # several provinces share the number: the asker's first
        home = set(home_provinces)
        refs = short_refs(msg.question, index.index.numbers, [d for d, doc in docs.items() if doc.province_code in home])
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
