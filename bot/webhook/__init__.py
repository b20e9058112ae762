"""The webhook server: the platforms POST updates here in production (app), and its start (serve)."""
