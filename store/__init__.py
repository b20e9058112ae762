"""Storage layer: SQLAlchemy models, migrations, directive parsing, search, forms."""
