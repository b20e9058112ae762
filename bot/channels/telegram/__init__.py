"""Telegram through python-telegram-bot: the channel, update conversion, long polling and sending."""
