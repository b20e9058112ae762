"""How the outbox sender reaches a channel: one ``send`` per message, errors as data.

The types live in ``core.outbox`` (the one outbox module); this name stays for the channels.
"""

from core.outbox import SendResult, Transport

__all__ = ["SendResult", "Transport"]
