"""Composition of the feature modules into one router (aiogram style: one place)."""

from __future__ import annotations

from handlers.people import approvals as approvals_feature
from handlers.ask import answer as ask_feature
from handlers.broadcast import dialog as broadcast_feature
from handlers.directives import campaigns as campaigns_feature
from handlers.report import deadlines as deadlines_feature
from handlers.directives import upload as directive_upload_feature
from handlers.directives import documents as documents_feature
from handlers import awards as awards_feature
from handlers import emulation as emulation_feature
from handlers import help as help_feature
from handlers.people import invites as invites_feature
from handlers.people import link as link_feature
from handlers.people import officers as officers_feature
from handlers.people import register as register_feature
from handlers.report import entry as report_feature
from handlers.ask import search as search_feature
from handlers.people import start as start_feature
from handlers.supervise import commands as supervise_feature
from core.router import Router

# Order matters only for /help listing.
FEATURES = [help_feature, start_feature, register_feature, invites_feature, approvals_feature, link_feature,
            officers_feature, report_feature, emulation_feature, awards_feature, supervise_feature, documents_feature, campaigns_feature, search_feature,
            ask_feature, deadlines_feature, broadcast_feature, directive_upload_feature]


def build_router() -> Router:
    router = Router()
    for feature in FEATURES:
        feature.register(router)
    # Questions typed in the middle of a dialog: "Xã X thuộc khối nào?" first, then the titles
    # history ("Xã X năm 2025 đạt danh hiệu gì?"), then the Q&A. The order
    # of the two features is decided here, in the composition root, and claimed once.
    router.question_hook(emulation_feature.bloc_question.before(awards_feature.lookup.before(ask_feature.question_reply)))
    router.finish()
    return router
