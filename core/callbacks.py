"""Button data shared across features: a button made by one package and handled by another.

Reminders (reminders/) and the deadlines view (handlers/) both offer "open the report for
this period"; the report feature (handlers/report.py) handles it. Keeping its shape here
means neither side imports the other.
"""

from __future__ import annotations

from core.types import Button

REPORT_BUTTON_TEXT = "Làm báo cáo ngay"
REPORT_OPEN_PREFIX = "rp:o"


def report_button(period_id: int, text: str = REPORT_BUTTON_TEXT) -> Button:
    """Opens the /baocao dialog for that period (handlers/report.py ``open_period``)."""
    return Button(text, f"{REPORT_OPEN_PREFIX}:{period_id}")
