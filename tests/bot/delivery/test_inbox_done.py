"""Handled inbox rows are marked done in batches, off the lanes' path, and never lost."""

from __future__ import annotations

import asyncio
import threading
from sqlalchemy.exc import OperationalError

from bot.delivery.inbox_done import DoneMarks


class Recorder:
    """The marking function (it runs in a thread): records each batch; may block or fail."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.failures = 0

    def __call__(self, ids: list[int]) -> None:
        self.entered.set()
        self.gate.wait(10)
        if self.failures:
            self.failures -= 1
            raise OperationalError("UPDATE inbox", {}, Exception("database is locked"))
        self.batches.append(list(ids))


async def test_rows_handled_while_a_batch_is_written_go_in_the_next_one() -> None:
    mark, flushed, second = Recorder(), [], asyncio.Event()

    def written(ids: list[int]) -> None:
        flushed.append(sorted(ids))
        if len(flushed) == 2:
            second.set()

    marks = DoneMarks(mark, flushed=written)
    runner = asyncio.create_task(marks.run())
    mark.gate.clear()
    marks.add(1)
    await asyncio.to_thread(mark.entered.wait, 10)  # the first batch is being written
    marks.add(2)
    marks.add(3)
    assert 2 in marks and 1 in marks  # held until written
    mark.gate.set()
    async with asyncio.timeout(10):
        await second.wait()
    assert mark.batches == [[1], [2, 3]]
    assert flushed == [[1], [2, 3]] and 3 not in marks
    marks.close()
    await runner


async def test_an_outage_keeps_the_marks_and_closing_writes_the_rest_once() -> None:
    mark, flushed = Recorder(), []
    mark.failures = 1
    marks = DoneMarks(mark, flushed=lambda ids: flushed.append(sorted(ids)), backoff_cap=0.01)
    runner = asyncio.create_task(marks.run())
    marks.add(7)
    marks.close()  # stopping: the failed write is not retried
    await runner
    assert mark.batches == [] and flushed == [] and 7 in marks  # left pending: the core skips it next start
    again = DoneMarks(mark, flushed=lambda ids: flushed.append(sorted(ids)))
    runner = asyncio.create_task(again.run())
    again.add(7)
    again.close()
    await runner
    assert mark.batches == [[7]] and flushed == [[7]]
