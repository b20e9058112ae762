"""The emulation year in chat (issue 15): /chamdiem, /khoicham, giải trình, /xephang, and
“Xã X thuộc khối nào?”. One module per feature, each with its own ``register``."""

from __future__ import annotations

from core.router import Router
from handlers.emulation import (bloc_question, explain, pledge, ranking, registration, registrations_list, review,
                                selfscore)

FEATURES = (selfscore, review, explain, ranking, registration, registrations_list, pledge)


def register(router: Router) -> None:
    for feature in FEATURES:
        feature.register(router)
    router.text_filters.append(bloc_question.bloc_filter)
