"""Vietnamese text and numbers as people type them: NFC, folding, tone placement, 1.250 / 12,5, 30/6/2026."""
