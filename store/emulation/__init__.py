"""The emulation year: blocs, criteria tables, the pure scoring engine, sheets, evidence, review and
explanations, rankings, the province's workbook and chart (issue 15).

Pure parts (no database): ``table_spec`` / ``table_checks`` (a criteria table checked and typed),
``table_xlsx`` (a spreadsheet into that definition), ``engine`` (walks a sheet criterion by
criterion, validates scores, totals; status codes out), ``rank`` (places with ties). Storage
parts: ``tables``, ``blocs`` / ``bloc_import``, ``periods``, ``sheets``, ``evidence``,
``review``, ``ranking``, ``export``, ``chart``.
"""
