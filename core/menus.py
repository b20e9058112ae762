"""Numbered menus of the channels that cannot show buttons (console, Zalo), per user, stored.

Every button such a user is shown gets a number that is unique among everything they can
currently see, remembered with the outbox row of the message that shows it:

- an update's replies are numbered together from 1 (one numbering across them) and supersede
  the menu the user had, except the numbers of messages still on their way (a notice queued
  but not sent keeps its numbers; the new ones skip them);
- a notice (a registration request, a reminder) and work finished after the update add to the
  menu with the next free numbers, so notices in a row never repeat a number; a notice sent
  later (a reminder after quiet hours) is picked by its words, its number being unknowable;
- an update answered without buttons leaves no live number: the old ones are kept as
  superseded, so typing one is refused instead of being read as something else;
- while a number question is showing, typed numbers are answers: every button of that
  screen is shown by its words only (``Reply.numbers_answer``).

``core.choices.match`` resolves a typed number against this: a live number whose message
was delivered gives its button; one whose message never reached the user (queued, failed,
blocked) or one superseded is refused, and ``fresh_menu`` shows the live numbers again,
unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.channels import is_buttonless
from core.types import Button, Reply
from store.models import ChoiceMenu, OutboxMessage, OutboxState, User

# Outbox states of a message the user has (or is being sent, the platform call in flight).
SHOWN_STATES = frozenset({OutboxState.SENT, OutboxState.SENDING})
# A message not sent yet: its numbers stay reserved when an update's replies renumber the menu
# (one being sent right now counts as shown: the reply after it supersedes it).
ON_THE_WAY = frozenset({OutboxState.QUEUED})
MAX_ENTRIES = 60  # notices a user never answers (daily reminders) do not grow the menu for ever
FRESH_MENU = "Các lựa chọn hiện có:"
WORDS_ONLY = 0  # the number of a choice picked by its words only (Reply.words_only): never typed


@dataclass(frozen=True)
class Entry:
    """One numbered choice the user was shown (or is about to be)."""

    n: int
    label: str
    data: str
    key: Optional[str] = None  # the outbox key of the message that shows it (None: an old menu row)
    live: bool = True  # False: superseded by a later answer, kept so its number is refused

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "label": self.label, "data": self.data, "key": self.key, "live": self.live}


def flat(reply: Reply) -> list[Button]:
    return [b for row in reply.buttons for b in row]


def load(row: Optional[ChoiceMenu]) -> list[Entry]:
    """The stored entries; a row written before numbers were stored is numbered 1, 2, …"""
    out: list[Entry] = []
    for i, item in enumerate((row.buttons or []) if row is not None else [], 1):
        if isinstance(item, dict):
            out.append(Entry(int(item["n"]), str(item["label"]), str(item["data"]), item.get("key"),
                             bool(item.get("live", True))))
        else:
            out.append(Entry(i, str(item[0]), str(item[1])))
    return out


def states(session: Session, keys: Iterable[Optional[str]]) -> dict[str, str]:
    """The outbox state of each message key (a key missing here: never queued, or pruned)."""
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return {}
    stmt = select(OutboxMessage.dedup_key, OutboxMessage.state).where(OutboxMessage.dedup_key.in_(wanted))
    return {key: state for key, state in session.execute(stmt)}


def shown(entry: Entry, known: dict[str, str]) -> bool:
    """Whether the message with this entry reached the user (an old row without key: assumed)."""
    return entry.key is None or known.get(entry.key) in SHOWN_STATES


def live(entries: list[Entry]) -> list[Entry]:
    return sorted((e for e in entries if e.live), key=lambda e: e.n)


def numbered(entries: list[Entry]) -> list[Entry]:
    """The live choices a typed number can pick (not those picked by their words only)."""
    return [e for e in live(entries) if e.n != WORDS_ONLY]


def fresh_menu(entries: list[Entry]) -> Optional[Reply]:
    """The live numbered choices again with their numbers unchanged (None when there are none)."""
    current = numbered(entries)
    if not current:
        return None
    return Reply(text=FRESH_MENU, buttons=[[Button(e.label, e.data)] for e in current], numbers=[e.n for e in current])


def number_replies(session: Session, user: User, items: list[tuple[str, Reply]], now: datetime, *,
                   interactive: bool, later: bool = False) -> list[Reply]:
    """Number the buttons of messages about to be queued for ``user`` ((outbox key, reply) each),
    record them as the user's menu and return the replies to queue. ``interactive``: the
    replies of an update (they supersede the menu); else notices (they add to it). ``later``:
    notices sent at a later time (a reminder after quiet hours), whose number could not be
    known now: their choices are picked by their words only."""
    if later:
        items = [(key, replace(reply, words_only=True) if reply.buttons else reply) for key, reply in items]
    replies = [reply for _, reply in items]
    if not is_buttonless(user.channel) or user.id is None:
        return replies
    if not interactive and not any(r.buttons for r in replies):
        return replies  # a notice without buttons changes nothing on screen
    row = session.get(ChoiceMenu, user.id)
    old = load(row)
    words = any(r.numbers_answer for r in replies) or (not interactive and row is not None and row.numbers_answer)
    keep = _carried_over(session, old) if interactive else old
    taken = {e.n for e in keep}
    out: list[Reply] = []
    added: list[Entry] = []
    for key, reply in items:
        buttons = flat(reply)
        preset = reply.numbers if len(reply.numbers) == len(buttons) else []
        if reply.words_only:
            numbers = [WORDS_ONLY] * len(buttons)
        else:
            numbers = list(preset) or _free(taken, len(buttons))
        taken.update(numbers)
        added += [Entry(n, b.text, b.data, key) for n, b in zip(numbers, buttons)]
        out.append(replace(reply, numbers=numbers, numbers_answer=reply.numbers_answer or (words and bool(buttons))))
    reused = {e.n for e in added}
    keep = [e for e in keep if e.n not in reused]
    if interactive and not added:
        keep += [replace(e, live=False) for e in old if e.live and e not in keep]
    _store(session, row, user.id, keep + added, words, now)
    return out


def _carried_over(session: Session, old: list[Entry]) -> list[Entry]:
    """What an update's replies do not supersede: numbers in messages still on their way."""
    known = states(session, (e.key for e in old if e.live))
    return [e for e in old if e.live and e.key is not None and known.get(e.key) in ON_THE_WAY]


def _free(taken: set[int], count: int) -> list[int]:
    """Interactive and notice numbers alike: the lowest numbers not on screen, in order, after
    the highest one taken so that a list reads 1, 2, 3 and a notice after it 4, 5."""
    start = max(taken, default=0) + 1
    return list(range(start, start + count))


def _store(session: Session, row: Optional[ChoiceMenu], user_id: int, entries: list[Entry], words: bool,
           now: datetime) -> None:
    entries = sorted(entries, key=lambda e: (not e.live, e.n))
    if len(entries) > MAX_ENTRIES:  # the oldest numbers go first (a typed one is then refused)
        entries = sorted(entries, key=lambda e: (e.live, e.n))[-MAX_ENTRIES:]
    data = [e.to_json() for e in entries]
    if row is None:
        session.add(ChoiceMenu(user_id=user_id, buttons=data, numbers_answer=words, created_at=now))
    else:
        row.buttons, row.numbers_answer, row.created_at = data, words, now
