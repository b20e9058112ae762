"""Storage (bottom layer, imports nothing of ours): db, clock, models and migrations, and the domain subpackages vn, people, files, forms, search, directives, reporting, runtime."""
