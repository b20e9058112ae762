"""Composition root: settings, services, channels and the CLI (``python -m bot``)."""
