"""/start and /help: a greeting and the list of commands this user may use."""

from __future__ import annotations

from core.context import Context
from core.router import Router
from core.types import Reply
from store.models import Officer

GREETING = (
    "Xin chào! Tôi là trợ lý thi đua - khen thưởng cho cán bộ xã, phường.\n"
    "Anh/chị có thể gõ câu hỏi về các phong trào thi đua, chỉ thị, kế hoạch, "
    "ví dụ: “Chỉ thị 02/CT-UBND ban hành ngày nào?”"
)


def help_text(router: Router, officer: Officer | None) -> str:
    """The commands this user may use (a stranger: the public ones), one a line."""
    lines = ["Các lệnh:"]
    for info in router.visible_commands(officer):
        lines.append(f"/{info.name} – {info.description}")
    lines.append("/huy – Hủy thao tác đang làm")
    lines.append("Hoặc gõ câu hỏi bất kỳ về phong trào thi đua.")
    return "\n".join(lines)


def register(router: Router) -> None:
    """Adds /start and /help."""

    @router.command("start", "Bắt đầu")
    async def start(ctx: Context) -> list[Reply]:
        """Greets the user and lists commands."""
        return [Reply(text=f"{GREETING}\n\n{help_text(router, ctx.officer)}")]

    @router.command("help", "Danh sách lệnh")
    async def help_(ctx: Context) -> list[Reply]:
        """Lists the commands this user may use."""
        return [Reply(text=help_text(router, ctx.officer))]
