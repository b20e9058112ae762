"""Declarative dialogs (as PTB's ``ConversationHandler.states``): named typed state, named steps.

A feature declares its dialog once::

    REPORT = Dialog("report", ReportState, steps={"answer": Step(on_answer, closed=True)},
                    on_cancel=keep_draft)

and registers it with ``router.add_dialog(REPORT)``. The state is a dataclass (``DialogData``)
saved with the update's transaction; its ``step`` picks the step handler. The machinery
provides what every dialog needs:

- ``/huy`` ends the dialog (the dialog's ``on_cancel`` may keep a draft and say so);
- state that no longer parses (an old deploy, a hand-edited row) ends the dialog politely;
- ``accepts(ctx, text)``: is this text an answer for the current step? (Zalo and the console
  decide whether a typed number is an answer or a button label with it);
- a question typed where the step wants a choice, a number, a date or a place (a "closed"
  step) is answered by the Q&A handler, then the step is asked again; a step whose answers
  are never questions (``questions_first``: a place, a name) has questions answered before
  it sees them; other free-text steps take any text as the answer;
- a control word ("bỏ qua", "quay lại", "xong", "hủy"…) is never an answer: typed alone it is
  refused politely and the step asked again (``again``), whatever the step would have taken
  (on Zalo and the console the button with those words, when one is showing, was already
  picked by core.routing).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, ClassVar, Generic, Optional, TypeVar

from core import messages
from core.context import Context
from core.permissions import Refused, scope
from core.types import Reply
from store.vn.text import fold

log = logging.getLogger(__name__)

Handler = Callable[[Context], Awaitable[list[Reply]]]
# The Q&A feature's answer to text typed mid-dialog: replies, or None when it is no question.
QuestionHook = Callable[[Context, str], Optional[list[Reply]]]


@dataclass
class DialogData:
    """Base of a dialog's typed state; subclasses add fields with JSON-friendly types."""

    step: str
    legacy_keys: ClassVar[dict[str, str]] = {}  # old short keys of stored state -> field names

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Optional["DialogData"]:
        """The state stored for this dialog, or None when it does not fit the declared fields."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {cls.legacy_keys.get(k, k): v for k, v in data.items()}
        try:
            return cls(**{k: v for k, v in values.items() if k in names})
        except TypeError:
            return None


D = TypeVar("D", bound=DialogData)


class NotAnAnswer(Exception):
    """Raised by a step handler for text that is not an answer: ``error`` says why (and asks
    again); ``again`` asks again without the complaint (after a question was answered)."""

    def __init__(self, error: list[Reply], again: list[Reply]) -> None:
        super().__init__("not an answer")
        self.error, self.again = error, again


@dataclass
class Step(Generic[D]):
    handle: Callable[[Context, D], Awaitable[list[Reply]]]
    # True when the step takes only specific answers (a choice, a number, a date, a place):
    # a question typed there that the step refuses is answered, then the step asked again.
    # False for free text.
    closed: bool = False
    accepts: Optional[Callable[[Context, D, str], bool]] = None
    # True when no answer of this step is ever a question (a place, a person's name, a
    # position): a question is answered before the step sees it, then the step asked again
    # (``Dialog.again``) — a fuzzy place search or a lenient name check never takes it.
    questions_first: bool = False


@dataclass
class Dialog(Generic[D]):
    name: str
    data_type: type[D]
    steps: dict[str, Step[D]]
    on_cancel: Optional[Callable[[Context, Optional[D]], Awaitable[list[Reply]]]] = None
    stale_text: str = messages.STALE_BUTTON
    action: Optional[str] = None  # checked before every step (a role taken away mid-dialog ends it)
    again: Optional[Callable[[Context, D], list[Reply]]] = None  # the current step's question, asked again
    _ask: Optional[Handler] = field(default=None, repr=False)
    _question: Optional[QuestionHook] = field(default=None, repr=False)

    # -- state --------------------------------------------------------------------------
    def load(self, ctx: Context) -> Optional[D]:
        row = ctx.dialog()
        if row is None or row.name.split(":", 1)[0] != self.name:
            return None
        data = self.data_type.from_dict(dict(row.data or {}))
        return data if isinstance(data, self.data_type) and data.step in self.steps else None

    def save(self, ctx: Context, data: D) -> None:
        if data.step not in self.steps:
            raise ValueError(f"dialog {self.name} has no step {data.step!r}")
        ctx.set_dialog(self.name, data.to_dict())

    def end(self, ctx: Context) -> None:
        ctx.clear_dialog()

    # -- the router's side ----------------------------------------------------------------
    def bind(self, ask_question: Optional[Handler], question: Optional[QuestionHook] = None) -> None:
        """The Q&A feature's entry points that answer questions typed in the middle of a closed
        step: ``question`` decides itself what is a question; else ``ask_question`` (the plain
        text handler) answers what ``looks_like_question`` picks out."""
        self._ask, self._question = ask_question, question

    async def _answer(self, ctx: Context, text: str) -> Optional[list[Reply]]:
        if self._question is not None:
            return self._question(ctx, text)
        if self._ask is not None and looks_like_question(text):
            return await self._ask(ctx)
        return None

    async def handle(self, ctx: Context) -> list[Reply]:
        data = self.load(ctx)
        if data is None:
            log.info("dialog %s: state does not fit; ending it", self.name)
            self.end(ctx)
            return messages.text(self.stale_text)
        if self.action is not None and not scope(ctx.officer).may(self.action):
            self.end(ctx)
            raise Refused(self.action, f"dialog:{self.name}")
        step = self.steps[data.step]
        text = ctx.msg.text if not ctx.msg.files else None
        word = control_word(text)
        if word is not None:
            return messages.text(CONTROL_WORD.format(word=word)) + self._again(ctx, data)
        answered = await self._answer(ctx, text) if step.questions_first and text else None
        if answered is not None:
            return answered + self._again(ctx, data)
        try:
            return await step.handle(ctx, data)
        except NotAnAnswer as exc:
            text = ctx.msg.text or ""
            answered = await self._answer(ctx, text) if step.closed and text else None
            return exc.error if answered is None else answered + exc.again

    def _again(self, ctx: Context, data: D) -> list[Reply]:
        return self.again(ctx, data) if self.again is not None else []

    async def cancel(self, ctx: Context) -> list[Reply]:
        data = self.load(ctx)
        if self.on_cancel is not None:
            return await self.on_cancel(ctx, data)
        self.end(ctx)
        return messages.text(messages.CANCELLED)

    def accepts(self, ctx: Context, text: str) -> bool:
        """Whether ``text`` answers the current step (True for free-text steps)."""
        data = self.load(ctx)
        if data is None:
            return False
        step = self.steps[data.step]
        if step.accepts is not None:
            return step.accepts(ctx, data, text)
        return not step.closed


# Words that steer a dialog, folded: typed alone they are never saved as an answer.
CONTROL_WORDS = frozenset({"bo qua", "quay lai", "xong", "huy", "dung lai", "giu nguyen", "thoat", "skip", "back",
                           "cancel", "stop", "done"})
CONTROL_WORD = ("“{word}” là lời điều khiển nên không được lưu làm câu trả lời. Anh/chị bấm nút "
                "dưới câu hỏi (nếu có) hoặc gõ câu trả lời; gõ /huy để dừng.")


def control_word(text: Optional[str]) -> Optional[str]:
    """The text, when it is only a control word ("Bỏ qua »", "quay lai"); else None."""
    typed = " ".join((text or "").strip(" .!»«<>-").split())
    return typed if typed and fold(typed) in CONTROL_WORDS else None


# Folded (no diacritics) Vietnamese question words and phrases; the one list.
QUESTION_WORDS = ("ai", "gi", "nao", "bao nhieu", "may", "dau", "bao gio", "the nao", "sao", "co phai", "khong",
                  "chua", "hoi")


def looks_like_question(text: str) -> bool:
    """A typed question rather than a (wrong) answer: a question mark, or three or more words
    with a Vietnamese question word ("khi nào phải nộp báo cáo", "xã tôi nộp chưa"). Asked only
    of text a step refused, so a valid answer such as "Chưa phát hiện" never reaches it."""
    text = " ".join(text.split())
    if len(text) < 4:
        return False
    if text.endswith("?"):
        return True
    words = fold(text).replace("?", " ").split()
    if len(words) < 3:
        return False
    joined = f" {' '.join(words)} "
    return any(f" {w} " in joined for w in QUESTION_WORDS)
