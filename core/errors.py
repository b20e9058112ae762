"""Exceptions a handler raises for the router to turn into a polite, audited answer."""

from __future__ import annotations

from typing import Optional


class Refused(Exception):
    """Raised by a handler that refuses: the router audits it once and answers politely."""

    def __init__(self, action: str, target: str = "", text: Optional[str] = None, **detail: object) -> None:
        super().__init__(action, target)
        self.action, self.target, self.text, self.detail = action, target, text, detail
