"""Which document: a short reference ("chỉ thị 02") that several loaded documents answer to.

The reply names the candidates as choices: typed ``WhichDocument`` buttons on Telegram, a
numbered list on Zalo and the console (the channels number a reply's buttons). A button
carries the document and the question, compacted (marks taken off the words, numbers kept as
typed) to fit Telegram's 64 bytes; a question too long to carry gets the candidates as a list
and is asked again with the full number. The chosen document alone answers
(handlers/ask/answer.py ``pick_document``).
"""

from __future__ import annotations

from core.callbacks import Rest
from core.types import MAX_BUTTON_DATA, Button, Reply
from handlers.ask.buttons import WhichDocument
from handlers.ask.passages import fit_words, short_doc_label
from store.directives.naming import doc_label
from store.search.resolve import Understood
from store.search.service import SearchIndex
from store.vn import text as vntext

MAX_CHOICES = 5  # a phone screen of buttons; more: the asker names the place or year
WHICH = "Có {n} văn bản là “{ref}”. Anh/chị hỏi văn bản nào?"
MORE = "… và {n} văn bản khác: anh/chị gõ thêm tên tỉnh, huyện hoặc năm ban hành để chọn."
RETYPE = "Anh/chị gõ lại câu hỏi với số đầy đủ của văn bản, ví dụ “{example}”."
TITLE_CHARS = 120


def compact(question: str) -> str:
    """The question as a button carries it: marks off each word, numbers ("02/CT") as typed."""
    words = (tok if any(c.isdigit() for c in tok) else vntext.fold(tok) for tok in question.split())
    return " ".join(w for w in " ".join(words).split())


def carried(question: str, doc_id: int) -> str | None:
    """The compacted question when it fits a button with ``doc_id``; None when it does not."""
    text = compact(question)
    budget = MAX_BUTTON_DATA - len(f"{WhichDocument.prefix}:{WhichDocument.action}:{doc_id}:")
    return text if text and fit_words(text, budget) == text else None


def which_document(index: SearchIndex, question: str, understood: Understood) -> Reply:
    """Ask which of the documents the reference means, with them as choices."""
    shown = understood.choices[:MAX_CHOICES]
    lines = [WHICH.format(n=len(understood.choices), ref=ref_label(understood.reference))]
    if len(understood.choices) > len(shown):
        lines.append(MORE.format(n=len(understood.choices) - len(shown)))
    buttons: list[list[Button]] = []
    for doc_id in shown:
        doc = index.index.docs[doc_id]
        detail = vntext.shorten(f"{doc_label(doc)}: {doc.title}" if doc.title else doc_label(doc), TITLE_CHARS)
        text = carried(question, doc_id)
        if text is None:  # too long to carry: list them, ask again with the full number
            lines.append(f"• {detail}")
        else:
            buttons.append([WhichDocument(doc_id, Rest(text)).button(short_doc_label(index, doc_id), detail=detail)])
    if not buttons:
        first = index.index.docs[shown[0]]
        lines.append(RETYPE.format(example=f"{first.kind} {first.number}"))
    return Reply(text="\n".join(lines), buttons=buttons)


def ref_label(folded: str) -> str:
    """"ke hoach so 45" → "Kế hoạch số 45" (the kinds' own spelling)."""
    for key, kind in (("chi thi", "Chỉ thị"), ("ke hoach", "Kế hoạch"), ("quyet dinh", "Quyết định"),
                      ("nghi quyet", "Nghị quyết"), ("thong bao", "Thông báo"), ("cong van", "Công văn")):
        if folded.startswith(key):
            return kind + folded[len(key):].replace(" so ", " số ")
    return "văn bản " + folded.replace(" so ", " số ")
