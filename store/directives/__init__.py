"""Directives: readers (DOCX, PDF, OCR, text) and legacy encodings, the parser (sections, campaigns, issuer), naming in replies; ingest stores them, library reads them back."""
