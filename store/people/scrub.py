"""Erasure reaches every copy: an erased officer's name and phone also leave other users'
messages (approval notices in the outbox), raw inbox updates, audit details, dialog states,
menus and report answers — every text and JSON column of every table, except the reference
tables (directives, forms, units: public texts where a same-named signer is someone else)
and the people tables themselves (``store.people.leavers`` erases that person's own rows;
another officer of the same name keeps theirs).

Rows are found in SQL (``LIKE`` on the column as text, the JSON-escaped spelling included,
so SQLite and PostgreSQL alike), then each string is rewritten in Python with word bounds,
so "An" inside "Ban" is never touched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import JSON, String, Table, Text, cast, or_, select, update
from sqlalchemy.orm import Session

from store.db import Base

ERASED = "Đã xóa"
MIN_NEEDLE = 4  # shorter fragments would hit ordinary words
KEEP_TABLES = frozenset({"officers", "users", "documents", "sections", "campaigns", "reporting_duties", "forms",
                         "provinces", "communes"})


@dataclass(frozen=True)
class Needles:
    """The spellings of one person's identifiers to remove."""

    words: tuple[str, ...]

    @classmethod
    def of(cls, names: Iterable[str], phones: Iterable[str], handles: Iterable[str] = ()) -> "Needles":
        # Full names only: a one-word chat name ("Thành") is also a word of place names.
        found = {" ".join(n.split()) for n in names if len(n.split()) >= 2 and " ".join(n.split()) != ERASED}
        found.update(h for h in handles if len(h) >= MIN_NEEDLE)
        for phone in phones:
            found.update(phone_spellings(phone))
        return cls(tuple(sorted(found, key=len, reverse=True)))

    def pattern(self) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, self.words)) + r")(?!\w)")


def phone_spellings(phone: str) -> set[str]:
    """0912345678 as people write it: 0912345678, 84912345678 (+84…), 0912 345 678, 0912.345.678."""
    if not phone or len(phone) != 10 or not phone.isdigit():
        return {phone} if phone and len(phone) >= MIN_NEEDLE else set()
    groups = (phone[:4], phone[4:7], phone[7:])
    return {phone, "84" + phone[1:], " ".join(groups), ".".join(groups)}


def scrub(session: Session, needles: Needles) -> int:
    """Replace every spelling in every scrubbed column; the number of values changed."""
    if not needles.words:
        return 0
    pattern, changed = needles.pattern(), 0
    for table in Base.metadata.sorted_tables:
        if table.name in KEEP_TABLES:
            continue
        for column in table.columns:
            if isinstance(column.type, (String, Text, JSON)) and not column.primary_key:
                changed += _scrub_column(session, table, column.name, needles, pattern)
    return changed


def _scrub_column(session: Session, table: Table, name: str, needles: Needles, pattern: re.Pattern[str]) -> int:
    column = table.c[name]
    is_json = isinstance(column.type, JSON)
    spellings = set(needles.words) | ({json.dumps(w)[1:-1] for w in needles.words} if is_json else set())
    as_text = cast(column, Text) if is_json else column
    keys = list(table.primary_key.columns)
    rows = session.execute(select(*keys, column).where(or_(*(as_text.contains(s, autoescape=True)
                                                             for s in spellings)))).all()
    changed = 0
    for row in rows:
        value = row[-1]
        cleaned = scrub_value(value, pattern)
        if cleaned != value:
            length = column.type.length if isinstance(column.type, String) else None
            if isinstance(cleaned, str) and length:
                cleaned = cleaned[:length]
            where = [key == row[i] for i, key in enumerate(keys)]
            session.execute(update(table).where(*where).values({name: cleaned}))
            changed += 1
    return changed


def scrub_value(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [scrub_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, pattern) for k, v in value.items()}
    return value
