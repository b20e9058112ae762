"""Report forms as data: the definition (spec), field types, choices, checks, the relevant language and the pure engine; versions stores them."""
