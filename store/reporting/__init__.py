"""Reporting periods, drafts and submitted reports, and what supervisors get from them: XLSX exports and charts."""
