"""The directive-reading worker process: ``python -m store.directives.readers.worker NAME`` with the file
on stdin, run by ``store.directives.readers.read_document`` under the limits of ``store.directives.readers.isolated``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from store.directives.readers import read_here
from store.directives.readers.isolated import worker_main


def handle(args: list[str], raw: bytes) -> dict[str, Any]:
    return asdict(read_here(args[0], raw))


if __name__ == "__main__":
    worker_main(handle)
