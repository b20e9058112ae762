"""CLI sub-commands, one module per feature; ``SUBCOMMANDS`` is the one list of them.

Each module's ``add(subparsers)`` adds its sub-command(s) and sets ``func`` to a
callable(args, settings) -> int. Listing them here (rather than modules registering
themselves on import) keeps the order of ``--help`` and the set of commands in one place.
"""

from __future__ import annotations

from typing import Callable

from bot.commands.common import Subparsers
from bot.commands import (admin, awards, blocs, broadcast, criteria, export, forms, ingest, officers, periods, reminders,
                          retention, scoring, titles, units)

SUBCOMMANDS: tuple[Callable[[Subparsers], None], ...] = (
    ingest.add,
    units.add,
    officers.add,
    admin.add,
    forms.add,
    periods.add,
    blocs.add,
    criteria.add,
    titles.add,
    titles.add_registrations,
    scoring.add,
    awards.add,
    export.add,
    broadcast.add,
    reminders.add,
    retention.add,
)
