"""What one sender process sent, by outcome and kind (tests, benchmarks, the console), and
the metrics and log line of each outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core import metrics
from core.outbox import SendOutcome, SendResult
from store.models import MessageKind, OutboxMessage

log = logging.getLogger("bot.delivery.sender")  # the sender's log lines, wherever counted


@dataclass
class SenderStats:
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_kind: dict[MessageKind, int] = field(default_factory=dict)

    def count(self, kind: MessageKind, outcome: SendOutcome) -> None:
        if outcome == SendOutcome.SENT:
            self.sent += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        elif outcome == SendOutcome.BLOCKED:
            self.blocked += 1
        elif outcome == SendOutcome.FAILED:
            self.failed += 1
        elif outcome == SendOutcome.RETRY:
            self.retried += 1
        elif outcome == SendOutcome.RATE_LIMITED:
            self.rate_limited += 1

    def record(self, channel: str, msg: OutboxMessage, outcome: SendOutcome, result: SendResult) -> None:
        """Count one recorded outcome, in these stats, the metrics and the log."""
        self.count(msg.kind, outcome)
        if outcome == SendOutcome.RATE_LIMITED:
            metrics.RATE_LIMITED.labels(channel).inc()
        else:
            metrics.MESSAGES.labels(channel, msg.kind, outcome).inc()
        quiet = outcome in (SendOutcome.SENT, SendOutcome.RATE_LIMITED)
        level = logging.INFO if msg.kind == MessageKind.REPLY or not quiet else logging.DEBUG
        log.log(level, "outbox %s %s %s to %s: %s%s", channel, msg.kind, msg.dedup_key, msg.chat_id, outcome,
                f" ({result.error})" if result.error and not result.ok else "")
