"""Search over the directives: passages, BM25 ranking, the persisted index, and whether a passage answers a question."""
