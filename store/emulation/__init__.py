"""The emulation year (issue 15): blocs, criteria tables, scoring, review, ranking, exports.

Pure parts (no database): ``table_spec`` (a criteria table definition checked and typed),
``engine`` (walks a sheet criterion by criterion, validates scores, totals; status codes out),
``rank`` (places with ties). Storage parts: ``tables``, ``blocs``, ``periods``, ``sheets``,
``evidence``, ``review``, ``ranking``, ``export``, ``chart``.
"""
