"""Report forms as data: YAML definitions, field types, the relevant language and the pure form engine."""
