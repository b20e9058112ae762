"""Đề nghị khen thưởng in chat (issue 16): /denghi (propose from the published ranking, the
dossier and its documents), the province's appraisal, and the titles history questions."""

from __future__ import annotations

from core.router import Router
from handlers.awards import achievement, appraise, decide, export, lookup, propose, upload, vote

FEATURES = (propose, upload, appraise, vote, decide, export, achievement)


def register(router: Router) -> None:
    for feature in FEATURES:
        feature.register(router)
    router.text_filters.append(lookup.awards_filter)
