"""Channel adapters: each turns its updates into handlers.types.Incoming and renders Reply."""
