"""What keeps the bot's processes honest: the durable inbox of updates, one leader per role, and retention."""
