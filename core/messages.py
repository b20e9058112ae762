"""Shared Vietnamese replies: short, polite, with diacritics."""

from core.types import Reply

ERROR = "Xin lỗi, hệ thống gặp lỗi khi xử lý tin nhắn này. Anh/chị vui lòng thử lại sau ít phút."
EMPTY = "Tin nhắn trống. Anh/chị hãy gõ câu hỏi, ví dụ: “Chỉ thị 02/CT-UBND ban hành ngày nào?”"
TOO_LONG = "Tin nhắn quá dài ({n} ký tự). Anh/chị vui lòng hỏi ngắn gọn dưới {limit} ký tự."
UNKNOWN_COMMAND = "Không có lệnh /{name}. Gõ /help để xem các lệnh."
STALE_BUTTON = "Nút này đã cũ hoặc không hợp lệ. Anh/chị vui lòng gõ lại lệnh."
FILE_OUTSIDE_DIALOG = "Bot chỉ nhận ảnh, tệp khi đang làm báo cáo (/baocao). Để hỏi, anh/chị hãy gõ chữ."
LOCATION_OUTSIDE_DIALOG = "Bot chỉ nhận vị trí khi đang làm báo cáo (/baocao)."
CONTACT_OUTSIDE_DIALOG = "Bot chưa cần số điện thoại lúc này. Gõ /start để đăng ký."
NOT_ALLOWED = "Anh/chị không có quyền thực hiện việc này."
NOT_REGISTERED = "Chức năng này dành cho cán bộ đã đăng ký. Gõ /start để đăng ký."
CANCELLED = "Đã hủy. Gõ /help để xem các lệnh."
GROUP_ONLY_PRIVATE = ("Bot chỉ làm việc trong chat riêng để giữ kín thông tin cán bộ. "
                      "Anh/chị vui lòng nhắn riêng cho bot.")
NOTHING_TO_CANCEL = "Không có thao tác nào đang làm dở."


def text(message: str) -> list[Reply]:
    """A single plain-text reply."""
    return [Reply(text=message)]
