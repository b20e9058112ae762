"""CLI sub-commands; importing this package registers them with bot.cli."""
from bot.commands import admin, officers  # noqa: F401,E402
from bot.commands import ingest  # noqa: F401,E402
from bot.commands import export, forms, periods  # noqa: F401,E402
from bot.commands import broadcast  # noqa: F401,E402
from bot.commands import retention  # noqa: F401,E402
