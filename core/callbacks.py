"""Button data shared across features: a button made by one package and handled by another.

Reminders (reminders/) and the deadlines view (handlers/) both offer "open the report for
this period"; the report feature (handlers/report.py) handles it. Keeping its shape here
means neither side imports the other.
"""

from __future__ import annotations

import re
from typing import Optional

from core.types import Button

REPORT_BUTTON_TEXT = "Làm báo cáo ngay"
REPORT_OPEN_PREFIX = "rp:o"

# Numbers in button data are ASCII digits only and short enough for any integer column:
# str.isdigit() and int() also take "١٢" (Arabic-Indic) or "²", which must read as a forged
# button, not be parsed as 12 or crash into the generic error.
_BUTTON_NUMBER = re.compile(r"[0-9]{1,9}")


def button_number(text: str) -> Optional[int]:
    """The number in a piece of button data, or None when it is not plain ASCII digits."""
    return int(text) if _BUTTON_NUMBER.fullmatch(text) else None


def report_button(period_id: int, text: str = REPORT_BUTTON_TEXT) -> Button:
    """Opens the /baocao dialog for that period (handlers/report.py ``open_period``)."""
    return Button(text, f"{REPORT_OPEN_PREFIX}:{period_id}")
