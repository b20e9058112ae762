"""PostgreSQL down while messages arrive: python -m benchmarks.db_outage [--messages 200] [--down 20].

A dedicated PostgreSQL server (password authentication, a password that needs URL-encoding)
is stopped at once (``pg_ctl -m immediate``, like a crash); ``--messages`` officers each send
one message while it is down, through polling and then through the webhook; after ``--down``
seconds it is started again. Printed per mode: refusals while down (records that failed /
503 answers), updates the platform still held, seconds from the restart to the last reply,
lost and duplicated replies (targets: 0 and 0).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.outage import OutageResult, run_outage  # noqa: E402
from tests.pgserver import DedicatedServer  # noqa: E402

PASSWORD = "p@ss:w/rd%40#x"


def line(result: OutageResult) -> str:
    held = f"  platform still held {result.unconfirmed_while_down}" if result.mode == "polling" else ""
    return (f"{result.mode:<8} {result.messages} messages, database down {result.down_seconds:.1f} s: "
            f"{result.refusals} refusals{held}; all answered {result.recovery_seconds:.1f} s after restart; "
            f"lost {result.lost}, duplicated {result.duplicated}, left queued {result.queued_after}")


async def main_async(args: argparse.Namespace) -> None:
    print(f"database outage: {args.messages} messages while PostgreSQL is down {args.down:.0f} s")
    for mode in ("polling", "webhook"):
        server = DedicatedServer(Path(tempfile.mkdtemp(prefix="pgoutage-")), password=PASSWORD)
        server.create()
        try:
            with tempfile.TemporaryDirectory(prefix=f"outage-{mode}-") as tmp:
                result = await run_outage(mode, server, Path(tmp), count=args.messages,
                                          down_seconds=args.down, retry_cap=args.retry_cap)
                print(line(result), flush=True)
        finally:
            server.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--down", type=float, default=20.0, help="seconds the server stays down")
    parser.add_argument("--retry-cap", type=float, default=5.0, help="DATABASE_RETRY_MAX_SECONDS")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the outage logs one error per retry
    logging.getLogger("bm25s").setLevel(logging.CRITICAL)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
