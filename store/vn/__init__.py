"""Vietnamese as people type it: text (NFC, folding, tone placement), numbers and dates (1.250, 12,5, 30/6/2026), and the 34 provinces named in text."""
