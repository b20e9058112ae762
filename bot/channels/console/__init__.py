"""The terminal chat on the same core, with /thu demo roles for a newcomer."""
