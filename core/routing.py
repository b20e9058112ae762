"""Routing one event to the feature handler that owns it: commands, buttons (typed data
parsed and their action checked), dialog steps, typed choices on buttonless channels, files,
and the text fallbacks. ``Refused`` and forged buttons are audited here, once, and answered
politely. No transaction, no outbox: ``core.dispatch`` wraps this in both.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Optional

from core import callbacks, choices, messages
from core.channels import is_buttonless
from core.context import Context
from core.permissions import Refused, refusal_text, scope
from core.router import CANCEL_COMMAND, Router
from core.types import Reply

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # longer questions are refused politely


class Routing:
    """Finds and runs the handler for one event (``route``)."""

    def __init__(self, router: Router) -> None:
        self.router = router

    async def route(self, ctx: Context) -> list[Reply]:
        """Route the event; a handler's ``Refused`` is audited here, once, and answered politely."""
        try:
            return await self._to_handler(ctx)
        except Refused as refused:
            ctx.audit(refused.action, refused.target[:200], "refused", **refused.detail)
            return messages.text(refused.text or refusal_text(ctx))
        except callbacks.Forged as exc:
            ctx.audit(exc.audit, (ctx.msg.button or "")[:200], "refused", reason=str(exc)[:200])
            return messages.text(exc.text or messages.STALE_BUTTON)

    async def _to_handler(self, ctx: Context) -> list[Reply]:
        msg, router = ctx.msg, self.router
        if msg.membership is not None:
            return await router.on_membership(ctx) if router.on_membership else []
        if msg.command is not None:
            return await self._command(ctx)
        if msg.text is not None and msg.button is None and is_buttonless(ctx.user.channel):
            problem = self._typed_choice(ctx)  # may turn the text into a button press
            if problem is not None:
                return problem
            msg = ctx.msg
        if msg.button is not None:
            return await self._button(ctx, msg.button)
        state = ctx.dialog()
        if state is not None:
            handler = router.dialog_handler(state.name)
            if handler is not None:
                return await handler(ctx)
            log.warning("no handler for dialog state %s; clearing it", state.name)
            ctx.clear_dialog()
        if msg.contact is not None:
            return await router.on_contact(ctx) if router.on_contact else messages.text(messages.CONTACT_OUTSIDE_DIALOG)
        if msg.files:
            return await router.on_file(ctx) if router.on_file else messages.text(messages.FILE_OUTSIDE_DIALOG)
        if msg.location is not None:
            return messages.text(messages.LOCATION_OUTSIDE_DIALOG)
        text = (msg.text or "").strip()
        if not text:
            return messages.text(messages.EMPTY)
        if len(text) > MAX_TEXT:
            return messages.text(messages.TOO_LONG.format(n=f"{len(text):,}".replace(",", "."), limit=f"{MAX_TEXT:,}".replace(",", ".")))
        for text_filter in router.text_filters:
            claimed = await text_filter(ctx)
            if claimed is not None:
                return claimed
        if router.on_text is None:
            return messages.text(messages.EMPTY)
        return await router.on_text(ctx)

    def _typed_choice(self, ctx: Context) -> Optional[list[Reply]]:
        """A typed number or button label on a buttonless channel: a valid answer to the
        active dialog's question wins; else the numbered button; else say what is wrong."""
        text = (ctx.msg.text or "").strip()
        hit = choices.match(ctx.session, ctx.user, text)
        if hit is None:
            return None
        state = ctx.dialog()
        if state is not None:
            if self.router.accepts(ctx, text):
                return None
            if hit.stale:
                return None  # no menu is showing: the dialog reads the number itself
        if hit.data is not None:
            ctx.msg = replace(ctx.msg, button=hit.data, text=None)
            return None
        ctx.audit("choice.invalid", text[:40], "refused")
        return hit.refusal()

    async def _button(self, ctx: Context, data: str) -> list[Reply]:
        """Typed buttons are parsed and their action checked here; bad data is audited once."""
        prefix = data.split(":", 1)[0]
        try:
            parsed = callbacks.parse(data)
        except callbacks.BadCallback as exc:
            ctx.audit(callbacks.bad_data_audit(prefix), data[:200], "refused", reason=str(exc)[:200])
            refused = callbacks.bad_data_refused(prefix)
            return messages.text(refusal_text(ctx) if refused else messages.STALE_BUTTON)
        route = self.router.callbacks.get(type(parsed))
        if route is None:
            ctx.audit("button.unknown", data[:200], "refused")
            return messages.text(messages.STALE_BUTTON)
        if route.action is not None and not scope(ctx.officer).may(route.action):
            raise Refused(route.action, data, route.refusal)
        return await route.handler(ctx, parsed)

    async def _command(self, ctx: Context) -> list[Reply]:
        name = (ctx.msg.command or "").lower()
        if name == CANCEL_COMMAND:
            state = ctx.dialog()
            if state is None:
                return messages.text(messages.NOTHING_TO_CANCEL)
            hook = self.router.cancel_hook(state.name)
            if hook is not None:
                return await hook(ctx)  # the hook clears the dialog and may keep a draft
            ctx.clear_dialog()
            return messages.text(messages.CANCELLED)
        if name == "start" and self.router.on_start is not None:
            return await self.router.on_start(ctx)
        info = self.router.commands.get(name)
        if info is None:
            return messages.text(messages.UNKNOWN_COMMAND.format(name=name[:40]))
        if info.action is not None and not scope(ctx.officer).may(info.action):
            text = info.refusal if ctx.officer is not None else None
            raise Refused(info.action, f"/{name}", text)
        return await info.handler(ctx)
