"""Numbered choices in the console's output, for the scripted console sessions."""

from __future__ import annotations

import re


def last_number(out: str, label: str) -> str:
    """The number in front of the last choice whose label starts with ``label`` (the console
    prints buttons as "N. label"; a reply may repeat a choice, the newest one counts)."""
    found = re.findall(rf"^(\d+)\. (?:\d+\. )?{re.escape(label)}", out, re.M)
    assert found, f"no choice {label!r} in:\n{out[-2000:]}"
    return found[-1]
