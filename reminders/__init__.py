"""Reminder logic: the reporting calendar, what is due now, who gets it, digests and the daily retention run."""
