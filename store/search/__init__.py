"""Search over the directives: passages, BM25 ranking, query analysis and whether a passage answers; service builds and persists the index."""
