"""Reporting calendar, what is due now, and the outbox that delivers within rate limits."""
