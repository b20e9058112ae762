"""Composition of the feature modules into one router (aiogram style: one place)."""

from __future__ import annotations

from handlers import approvals as approvals_feature
from handlers import ask as ask_feature
from handlers import broadcast as broadcast_feature
from handlers import campaigns as campaigns_feature
from handlers import deadlines as deadlines_feature
from handlers import directive_upload as directive_upload_feature
from handlers import documents as documents_feature
from handlers import emulation as emulation_feature
from handlers import help as help_feature
from handlers import invites as invites_feature
from handlers import link as link_feature
from handlers import officers as officers_feature
from handlers import register as register_feature
from handlers import report as report_feature
from handlers import search_cmd as search_feature
from handlers import start as start_feature
from handlers import supervise as supervise_feature
from core.router import Router

# Order matters only for /help listing.
FEATURES = [help_feature, start_feature, register_feature, invites_feature, approvals_feature, link_feature,
            officers_feature, report_feature, emulation_feature, supervise_feature, documents_feature, campaigns_feature, search_feature,
            ask_feature, deadlines_feature, broadcast_feature, directive_upload_feature]


def build_router() -> Router:
    router = Router()
    for feature in FEATURES:
        feature.register(router)
    # questions typed in the middle of a dialog: "Xã X thuộc khối nào?" first, then the Q&A
    router.on_question = emulation_feature.bloc_question.before(ask_feature.question_reply)
    router.finish()
    return router
