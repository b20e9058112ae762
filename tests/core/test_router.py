"""The router's one-owner hooks and the dialogs it derives its step and /huy handlers from."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.context import Context
from core.dialogs import Dialog, DialogData, Step
from core.router import Router
from core.types import Reply
from handlers.app import build_router


async def _one(ctx: Context) -> list[Reply]:
    return [Reply(text="một")]


async def _two(ctx: Context) -> list[Reply]:
    return [Reply(text="hai")]


@dataclass
class _State(DialogData):
    step: str = "only"


async def _step(ctx: Context, data: _State) -> list[Reply]:
    return []


def test_a_second_claimant_of_a_hook_is_refused() -> None:
    router = Router()
    router.text_fallback(_one)
    with pytest.raises(ValueError, match="_one"):
        router.text_fallback(_two)
    assert router.on_text is _one  # the first owner stays
    for claim in (router.file_handler, router.contact_handler, router.start_handler, router.membership_handler):
        claim(_one)
        with pytest.raises(ValueError):
            claim(_two)
    router.question_hook(lambda ctx, text: None)
    with pytest.raises(ValueError):
        router.question_hook(lambda ctx, text: None)


def test_dialog_steps_and_cancel_come_from_the_declared_dialog() -> None:
    router = Router()
    dialog: Dialog[_State] = Dialog("demo", _State, steps={"only": Step(_step)})
    router.add_dialog(dialog)
    with pytest.raises(ValueError, match="demo"):
        router.add_dialog(Dialog("demo", _State, steps={"only": Step(_step)}))
    for state in ("demo", "demo:7"):
        assert router.dialog_handler(state) == dialog.handle
        assert router.cancel_hook(state) == dialog.cancel
    assert router.dialog_handler("other") is None and router.cancel_hook("other") is None


def test_the_app_wires_every_hook_once() -> None:
    router = build_router()  # would raise if two features claimed one hook
    hooks = (router.on_text, router.on_question, router.on_file, router.on_contact, router.on_start,
             router.on_membership)
    assert all(h is not None for h in hooks)
    assert {"report", "dirload"} <= set(router.declared_dialogs)
