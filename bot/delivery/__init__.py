"""Delivery: the inbox worker that hands recorded updates to the core, and the outbox sender with its pacer, backlog and stats."""
