"""Đề nghị khen thưởng (issue 16): nominations from the published ranking, their dossiers (the
pure ``dossier`` engine and its checklist), the province's appraisal and the council's vote,
the decisions issued, eligibility hints, and the titles history the lookup answers from."""
