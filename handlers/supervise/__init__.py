"""Supervisors' tools: /tonghop (who reported, a chart), /xuat (XLSX) and /kybaocao (a new period)."""
