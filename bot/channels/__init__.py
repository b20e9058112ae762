"""Channel adapters: each turns its updates into core.types.Incoming and renders Reply."""
