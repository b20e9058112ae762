"""/baocao and /hanbaocao: a commune's reports filled in one question at a time, with photos, and its deadlines."""
