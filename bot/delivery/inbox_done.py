"""Marking handled inbox rows done, off the path of the replies.

A lane hands its row here the moment the handler returns and goes on to the user's next
update; the mark is written at once, and the rows handled while a mark is being written go
together in the next transaction. A row not marked yet stays held by the worker (the claims
skip it). A kill or an outage loses nothing: a handled row still pending is handed over again
at the next start (after its claim's lease), where the core recognises the update
(processed_updates) and answers nothing twice. The marks are not delayed to batch more: a
row left pending by a kill holds its user's next updates until the lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Collection

from bot.aio import Backoff, wait_or_stop
from store.db import is_unavailable

log = logging.getLogger(__name__)


class DoneMarks:
    """Handled rows waiting to be marked done; ``run`` writes them until ``close``."""

    def __init__(self, mark: Callable[[list[int]], None], *,
                 flushed: Callable[[Collection[int]], None], backoff_cap: float = 5.0) -> None:
        self._mark = mark  # writes the marks (runs in a thread)
        self._flushed = flushed  # called on the loop with the ids marked
        self.backoff_cap = backoff_cap
        self._ids: list[int] = []
        self._added = asyncio.Event()
        self._closed = asyncio.Event()

    def __contains__(self, row_id: int) -> bool:
        return row_id in self._ids

    def add(self, row_id: int) -> None:
        self._ids.append(row_id)
        self._added.set()

    def close(self) -> None:
        """The lanes are finished: write what is left once more, then ``run`` returns."""
        self._closed.set()
        self._added.set()

    async def run(self) -> None:
        backoff = Backoff(cap=self.backoff_cap)
        while True:
            if not self._ids:
                if self._closed.is_set():
                    return
                self._added.clear()
                await self._added.wait()
                continue
            ids = list(self._ids)
            try:
                await asyncio.to_thread(self._mark, ids)
            except Exception as exc:
                log_db_error(exc, f"inbox: cannot mark {len(ids)} update(s) done")
                if self._closed.is_set():
                    return  # still pending in the table: the next start skips them in the core
                await wait_or_stop(self._closed, backoff.next())
                continue
            backoff.reset()
            del self._ids[:len(ids)]
            self._flushed(ids)


def log_db_error(exc: BaseException, what: str) -> None:
    """An outage is a warning (the work waits for the database); anything else an error."""
    if is_unavailable(exc):
        log.warning("%s: database unavailable (%s)", what, type(exc).__name__)
    else:
        log.error("%s", what, exc_info=exc)
