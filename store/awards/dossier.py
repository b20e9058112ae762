"""The dossier engine: a nomination's checklist and its states; state in, status codes out. Pure.

Like ``store.emulation.engine`` it holds no wording and no storage: the chat layer asks it and
words the status.

- ``checklist(required, uploaded)``: one ``Item`` per required document, present or not.
- ``check_send(state, required, uploaded)``: whether the dossier may go to the province now
  (OK, or INCOMPLETE with the missing codes, or BAD_STATE).
- ``move(state, action)``: the state an action leads to, or the status that refuses it.
  draft → sent (send) → returned (return, with a reason) → sent (send again) …
  sent → approved | not approved (the province); approved and not approved are final.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Iterable, Mapping, Optional, Sequence


class State(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    RETURNED = "returned"
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"


class Action(StrEnum):
    SEND = "send"
    RETURN = "return"
    APPROVE = "approve"
    REJECT = "reject"  # not approved: the council's vote cut it, or the province refused it


class Status(StrEnum):
    OK = "ok"
    INCOMPLETE = "incomplete"
    BAD_STATE = "bad_state"  # the action does not apply in this state (a stale menu, a double tap)
    NO_REASON = "no_reason"
    UNKNOWN_DOCUMENT = "unknown_document"
    FINAL = "final"  # approved or not approved: nothing changes it any more
    STALE = "stale"  # the dossier moved since the button was shown (the store compares versions)


FINAL_STATES = frozenset({State.APPROVED, State.NOT_APPROVED})
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})  # documents may be added
MIN_REASON = 5
_MOVES: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.SEND): State.SENT,
    (State.RETURNED, Action.SEND): State.SENT,
    (State.SENT, Action.RETURN): State.RETURNED,
    (State.SENT, Action.APPROVE): State.APPROVED,
    (State.SENT, Action.REJECT): State.NOT_APPROVED,
}
NEEDS_REASON = frozenset({Action.RETURN, Action.REJECT})


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    present: bool
    files: int


@dataclass(frozen=True)
class Moved:
    status: Status
    state: Optional[State] = None
    missing: tuple[str, ...] = ()


def requirement_codes(required: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(r["code"]) for r in required]


def checklist(required: Sequence[Mapping[str, Any]], uploaded: Iterable[str]) -> list[Item]:
    """One item per required document, in the catalogue's order; ``uploaded`` is one code per file."""
    counts: dict[str, int] = {}
    for code in uploaded:
        counts[code] = counts.get(code, 0) + 1
    return [Item(str(r["code"]), str(r["name"]), counts.get(str(r["code"]), 0) > 0, counts.get(str(r["code"]), 0))
            for r in required]


def missing(required: Sequence[Mapping[str, Any]], uploaded: Iterable[str]) -> tuple[str, ...]:
    return tuple(item.code for item in checklist(required, uploaded) if not item.present)


def check_document(state: State, required: Sequence[Mapping[str, Any]], code: str) -> Status:
    """Whether a file for ``code`` may be added to the dossier now."""
    if state in FINAL_STATES:
        return Status.FINAL
    if state not in EDITABLE_STATES:
        return Status.BAD_STATE
    return Status.OK if code in requirement_codes(required) else Status.UNKNOWN_DOCUMENT


def move(state: State, action: Action, *, reason: str = "", required: Sequence[Mapping[str, Any]] = (),
         uploaded: Iterable[str] = ()) -> Moved:
    """The state ``action`` leads to from ``state``, or why it is refused."""
    if state in FINAL_STATES:
        return Moved(Status.FINAL)
    target = _MOVES.get((state, action))
    if target is None:
        return Moved(Status.BAD_STATE)
    if action in NEEDS_REASON and len(reason.strip()) < MIN_REASON:
        return Moved(Status.NO_REASON)
    if action is Action.SEND:
        lacking = missing(required, uploaded)
        if lacking:
            return Moved(Status.INCOMPLETE, missing=lacking)
    return Moved(Status.OK, target)
