"""The 12-question form and start time that the report-dialog and export benchmarks share."""

from __future__ import annotations

from datetime import datetime, timezone

FORM = """
id: bench-12
title: Báo cáo nhanh 12 câu
fields:
  - name: da_phat_dong
    type: yesno
    label: Đã phát động thi đua chưa?
  - name: so_hieu
    type: text
    label: Số hiệu kế hoạch
    relevant: da_phat_dong == yes
  - name: so_hoi_nghi
    type: integer
    label: Số hội nghị tuyên truyền
    min: 0
    max: 1000
  - name: ky_giao_uoc
    type: yesno
    label: Đã ký giao ước thi đua chưa?
  - name: tieu_chi_ntm
    type: integer
    label: Số tiêu chí nông thôn mới
    min: 0
    max: 19
  - name: ty_le_ho_ngheo
    type: decimal
    label: Tỷ lệ hộ nghèo (%)
    min: 0
    max: 100
  - name: muc_do
    type: select_one
    label: Tự đánh giá
    choices: [Xuất sắc, Tốt, Hoàn thành, Chưa hoàn thành]
  - name: linh_vuc
    type: select_multiple
    label: Lĩnh vực điển hình
    choices: [Kinh tế, Văn hóa - xã hội, Quốc phòng - an ninh]
  - name: so_dien_hinh
    type: integer
    label: Số điển hình tiên tiến
    min: 0
    max: 500
  - name: ngay_tong_ket
    type: date
    label: Ngày sơ kết
  - name: kho_khan
    type: text
    label: Khó khăn
    required: false
  - name: de_xuat
    type: text
    label: Đề xuất
    required: false
"""
START = datetime(2026, 6, 20, 2, 0, tzinfo=timezone.utc)
