"""CLI sub-commands; importing this package registers them with bot.cli."""
