"""What one sender process sent, by outcome and kind (tests, benchmarks, the console), and
the metrics and log line of each outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core import metrics
from core.outbox import SendResult
from store.models import OutboxMessage

log = logging.getLogger("bot.delivery.sender")  # the sender's log lines, wherever counted


@dataclass
class SenderStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        if outcome == "sent":
            self.sent += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        elif outcome == "blocked":
            self.blocked += 1
        elif outcome == "failed":
            self.failed += 1
        elif outcome == "retry":
            self.retried += 1
        elif outcome == "rate_limited":
            self.rate_limited += 1

    def record(self, channel: str, msg: OutboxMessage, outcome: str, result: SendResult) -> None:
        """Count one recorded outcome, in these stats, the metrics and the log."""
        self.count(msg.kind, outcome)
        if outcome == "rate_limited":
            metrics.RATE_LIMITED.labels(channel).inc()
        else:
            metrics.MESSAGES.labels(channel, msg.kind, outcome).inc()
        level = logging.INFO if msg.kind == "reply" or outcome not in ("sent", "rate_limited") else logging.DEBUG
        log.log(level, "outbox %s %s %s to %s: %s%s", channel, msg.kind, msg.dedup_key, msg.chat_id, outcome,
                f" ({result.error})" if result.error and not result.ok else "")
