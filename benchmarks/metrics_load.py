"""Webhook latency while /metrics is hammered: python -m benchmarks.metrics_load [--scrapers 600].

The real bot in webhook mode (SQLite, a fake Telegram API on loopback) in this process. A
second process keeps ``--scrapers`` concurrent ``GET /metrics`` going against the bot's
internal metrics port (what a misconfigured Prometheus or a curious proxy could do); this
process POSTs ``--posts`` Telegram updates one after another, a few ms apart, to the public
webhook, and times each POST until its 200 (the update recorded in the inbox). Printed: p50,
p95 and max POST latency idle and under the /metrics load, and how many /metrics requests
per second were served meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.fakebotapi import FakeBotAPI, FakeUser  # noqa: E402
from tests.e2e.webhook_harness import SECRET, TELEGRAM_HEADER, running_webhook_bot  # noqa: E402

GAP_SECONDS = 0.01


def update(update_id: int, user: FakeUser) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": int(time.time()),
                                                "chat": user.chat_json(), "from": user.to_json(), "text": "xin chào"}}


async def post_latencies(url: str, first_id: int, count: int) -> list[float]:
    user = FakeUser(id=700_000_001, first_name="Cán bộ")
    out: list[float] = []
    async with aiohttp.ClientSession() as session:
        for n in range(count):
            start = time.perf_counter()
            async with session.post(url, json=update(first_id + n, user), headers={TELEGRAM_HEADER: SECRET}) as r:
                assert r.status == 200, r.status
            out.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(GAP_SECONDS)
    return out


def line(label: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"{label:<34} p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms"


async def hammer(url: str, scrapers: int, seconds: float) -> None:
    """The load process: ``scrapers`` concurrent GET loops for ``seconds``; prints the count.
    ``url`` "self" hammers a server of its own instead (the control: the same client load on
    the same cores, nothing of the bot's)."""
    if url == "self":
        app = web.Application()
        app.router.add_get("/metrics", lambda request: _static())
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/metrics"  # type: ignore[union-attr]
    done = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=scrapers)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def loop() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                async with session.get(url) as r:
                    await r.read()
                done += 1

        await asyncio.gather(*(loop() for _ in range(scrapers)))
    print(done, flush=True)


async def _static() -> web.Response:
    return web.Response(body=b"# control\n" * 200)


async def loaded_latencies(url: str, target: str, first_id: int, args: argparse.Namespace) -> tuple[list[float], int]:
    seconds = args.posts * (GAP_SECONDS + 0.02) + 3
    load = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "benchmarks.metrics_load", "--hammer", target, "--scrapers", str(args.scrapers),
        "--seconds", str(seconds), cwd=REPO, stdout=subprocess.PIPE)
    await asyncio.sleep(1.5)  # the scrapers connect and get going
    latencies = await post_latencies(url, first_id, args.posts)
    out, _ = await load.communicate()
    return latencies, int(out.decode().split()[-1])


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-metrics-") as tmp:
        async with FakeBotAPI() as api, running_webhook_bot(Path(tmp), api) as (_services, server):
            url = f"http://127.0.0.1:{server.port}/webhook/telegram"
            idle = await post_latencies(url, 1, args.posts)
            control, _ = await loaded_latencies(url, "self", 100_000, args)
            loaded, served = await loaded_latencies(url, f"http://127.0.0.1:{server.ops_port}/metrics", 200_000, args)
    print(f"webhook POST latency, {args.posts} updates each, /metrics on its own port (bot.ops)")
    print(line("idle", idle))
    print(line(f"control: {args.scrapers} GETs on another server", control))
    print(line(f"with {args.scrapers} concurrent GET /metrics", loaded))
    print(f"/metrics requests served meanwhile: {served}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--scrapers", type=int, default=600)
    parser.add_argument("--hammer", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=10.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hammer:
        asyncio.run(hammer(args.hammer, args.scrapers, args.seconds))
        return
    logging.basicConfig(level=logging.CRITICAL)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
