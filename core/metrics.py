"""Prometheus metrics (prometheus-client): what an operator watches on ``GET /metrics``.

Counters are incremented where things happen (the core's dispatch, the outbox sender, the
sweep); the queue gauges are computed from the database by ``refresh_queue_gauges`` on the
metrics server's refresh tick (bot.ops) and after each sweep, never per request. Every process has its own registry; Prometheus sums workers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

import logging

from prometheus_client import REGISTRY, Counter, Gauge, generate_latest
from sqlalchemy.orm import Session

from core.context import Services
from core.outbox import pending_by_channel

log = logging.getLogger(__name__)

UPDATES = Counter("bot_updates_handled_total", "Updates handled by the core",
                  ["channel", "outcome"])  # outcome: handled, duplicate, error
MESSAGES = Counter("bot_messages_total", "Outbox sends by kind and outcome",
                   ["channel", "kind", "outcome"])  # sent, blocked, failed, retry
RATE_LIMITED = Counter("bot_rate_limited_total", "429 answers from a platform", ["channel"])
OUTBOX_DEPTH = Gauge("bot_outbox_depth", "Messages queued or being sent", ["channel"])
OUTBOX_OLDEST = Gauge("bot_outbox_oldest_age_seconds", "Age of the oldest message still to send",
                      ["channel"])
SWEEPS = Counter("bot_sweeps_total", "Reminder sweeps run by this process", ["outcome"])
SWEEP_LAG = Gauge("bot_sweep_lag_seconds",
                  "How late the last sweep finished after its minute was due (scheduling delay plus run time)")
LEADER = Gauge("bot_leader", "1 while this process holds the role (sender per channel, sweep)",
               ["role"])


def refresh_queue_gauges(session: Session, now: datetime, channels: Iterable[str] = ()) -> None:
    """Outbox depth and oldest age per channel, from the database (cheap: one grouped count).
    ``channels`` (the configured ones) are exported as 0 while their queue is empty, so an
    alert on them has a series from the first scrape."""
    pending = pending_by_channel(session)
    known = {labels[0] for labels in list(OUTBOX_DEPTH._metrics)} | set(channels)
    for channel in known - set(pending):  # channels that emptied (or never queued) are at zero
        OUTBOX_DEPTH.labels(channel).set(0)
        OUTBOX_OLDEST.labels(channel).set(0)
    for channel, (depth, oldest) in pending.items():
        OUTBOX_DEPTH.labels(channel).set(depth)
        OUTBOX_OLDEST.labels(channel).set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)


def render() -> bytes:
    """The exposition text for ``/metrics`` (call ``scrape`` to refresh the queue gauges first)."""
    return generate_latest(REGISTRY)


def scrape(services: Services, channels: Iterable[str] = ()) -> bytes:
    """Refresh the queue gauges from the database and render (what the metrics server caches).
    Blocks on the database: call it from a thread."""
    try:
        with services.session_factory() as session:
            refresh_queue_gauges(session, services.clock.now(), channels)
    except Exception as exc:  # the database is down: serve the counters, the gauges keep their last value
        log.warning("metrics: queue gauges not refreshed (%s)", type(exc).__name__)
    return render()
