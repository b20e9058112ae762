"""What one sender process sent, by outcome and kind (tests, benchmarks, the console)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
