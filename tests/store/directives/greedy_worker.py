"""A worker for ``store.directives.readers.isolated`` tests that spends what its argument says:
memory, CPU, wall-clock time, or nothing (answers, or crashes)."""

from __future__ import annotations

import os
import time
from typing import Any

from store.directives.readers.isolated import worker_main


def handle(args: list[str], payload: bytes) -> dict[str, Any]:
    mode = args[0]
    if mode == "memory":
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB
        return {"size": sum(len(b) for b in hoard)}
    if mode == "cpu":
        while True:
            pass
    if mode == "sleep":
        time.sleep(60)
    if mode == "env":
        return {"names": sorted(os.environ)}
    if mode == "crash":
        raise RuntimeError("a reader bug")
    return {"echo": payload.decode()}


if __name__ == "__main__":
    worker_main(handle)
