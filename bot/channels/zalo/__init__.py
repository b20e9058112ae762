"""Zalo Bot Platform: the httpx client, the channel, update conversion and sending."""
