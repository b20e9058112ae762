"""Directives: files read to text, parsed into metadata, sections and campaigns, loaded, and named in replies."""
