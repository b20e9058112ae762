"""The province's XLSX of every bloc's sheets and the ranking chart, sent in chat."""

from __future__ import annotations

from core import messages
from core.context import Context
from core.types import Reply
from store.models import ScoringPeriod


def export_all(ctx: Context, period: ScoringPeriod) -> list[Reply]:
    """Placeholder until the store's workbook writer lands (emu-core)."""
    return messages.text(f"Chưa xuất được Excel của đợt “{period.label}”: chức năng đang được hoàn thiện.")
