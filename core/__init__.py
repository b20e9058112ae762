"""The channel-neutral core: message types, context, router, dispatch, permissions, outbox API."""
