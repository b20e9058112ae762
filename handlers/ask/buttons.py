"""The "Kết quả khác" button of an answer: ``more:<key>:<units>`` as typed data.

``units`` are the next passages' index positions in base 36, dot-separated; ``key`` binds
them to the index build (handlers/ask/passages.index_key), so a button from an older index
or a forged one is stale: the handler raises ``Stale`` and the router refuses and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from core.callbacks import CallbackData, Rest


@dataclass(frozen=True)
class MoreResults(CallbackData, prefix="more"):
    key: str
    units: Rest  # up to MORE_UNITS base-36 numbers: may outgrow a 40-character token
    bad_data_audit: ClassVar[str] = "button.stale"  # answers live long in a chat: old, not forged


@dataclass(frozen=True)
class WhichDocument(CallbackData, prefix="hoi", action="vb"):
    """``hoi:vb:<doc>:<question>``: the document picked among those a short reference matched,
    and the question (compacted by handlers/ask/choice.py) to answer from it. A forged question
    is only a question the asker could have typed; a document no longer loaded is stale."""

    doc: int
    question: Rest
    bad_data_audit: ClassVar[str] = "button.stale"
