"""Vietnam's 34 provinces and 3,321 communes of 2025 and the pre-2025 → 2025 mapping, from a data file of our own."""
