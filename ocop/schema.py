"""The declared front-matter schema (ocop.reader turns typed text into values by it).

Each field says its type, whether it is required, and what it means (the `new` command
writes that explanation into the files it creates; the CMS forms show it as help).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """One front-matter field: its type, whether it is required, and a Vietnamese explanation."""

    kind: str
    help: str
    required: bool = False
    fields: dict = field(default_factory=dict)


JOURNEY_STEP = {
    "date": Field("date", "ngày của bước (năm-tháng-ngày, ví dụ 2024-03-01)", required=True),
    "stage": Field("text", "tên công đoạn, ví dụ Thu hoạch", required=True),
    "place": Field("text", "nơi thực hiện"),
    "note": Field("text", "ghi chú"),
}
BUY_LINK = {
    "label": Field("text", "tên nơi bán, ví dụ Shopee", required=True),
    "url": Field("url", "địa chỉ trang bán (https://...)", required=True),
}
PRODUCT = {
    "title": Field("text", "tên sản phẩm", required=True),
    "title_en": Field("text", "tên tiếng Anh (không bắt buộc)"),
    "stars": Field("stars", "hạng sao OCOP: 3, 4 hoặc 5; bỏ trống nếu sản phẩm chưa được xếp hạng"),
    "category": Field("category", "nhóm sản phẩm OCOP (xem data/groups.yaml), ví dụ thuc-pham", required=True),
    "commune": Field("commune", "xã (tên mới từ 01/7/2025 hoặc tên xã cũ), ví dụ Hữu Liên", required=True),
    "producer": Field("slug", "mã chủ thể: tên tệp trong content/producers/ (không có .md)", required=True),
    "certificate": Field("record", "giấy chứng nhận OCOP (bắt buộc khi có hạng sao)", fields={
        "number": Field("text", "số quyết định, đặt trong ngoặc kép, ví dụ \"1234/QĐ-UBND\"", required=True),
        "date": Field("date", "ngày ký quyết định (năm-tháng-ngày)", required=True),
        "issuer": Field("text", "cơ quan cấp, ví dụ UBND tỉnh Lạng Sơn", required=True),
        "valid_until": Field("date", "hiệu lực đến (bỏ trống: tự tính 36 tháng từ ngày cấp)"),
    }),
    "traceability": Field("record", "truy xuất nguồn gốc", fields={
        "code": Field("code", "mã truy xuất, không trùng với sản phẩm khác, ví dụ HL-MO-0001", required=True),
        "origin": Field("text", "nơi sản xuất: thôn, xã, tỉnh"),
        "standards": Field("texts", "tiêu chuẩn áp dụng, ví dụ [VietGAP]"),
        "portal": Field("url", "địa chỉ hệ thống truy xuất bên ngoài (không bắt buộc)"),
        "journey": Field("records", "các bước từ sản xuất đến tay người mua, theo thứ tự", fields=JOURNEY_STEP),
    }),
    "price": Field("price", "giá bán (đồng), viết liền không dấu chấm, ví dụ 250000"),
    "unit": Field("text", "đơn vị bán, ví dụ chai 500 ml"),
    "images": Field("images", "ảnh sản phẩm, đặt cạnh tệp này, ví dụ [anh-bia.jpg]"),
    "alt": Field("text", "mô tả ảnh đầu tiên cho người không nhìn thấy ảnh"),
    "buy": Field("records", "nơi mua trực tuyến", fields=BUY_LINK),
    "tags": Field("texts", "từ khoá, ví dụ [mật ong, đặc sản]"),
    "featured": Field("bool", "true để giới thiệu trên trang chủ và kiosk"),
    "draft": Field("bool", "true để chưa đăng sản phẩm"),
    "body_en": Field("text", "đoạn giới thiệu bằng tiếng Anh (không bắt buộc)"),
    "sample_note": Field("text", "ghi chú: thông tin nào là dữ liệu mẫu"),
    "sources": Field("texts", "nguồn tham khảo"),
}
PRODUCER = {
    "name": Field("text", "tên chủ thể", required=True),
    "name_en": Field("text", "tên tiếng Anh (không bắt buộc)"),
    "kind": Field("kind", "loại hình: hợp tác xã, doanh nghiệp, hộ kinh doanh hoặc tổ hợp tác", required=True),
    "commune": Field("commune", "xã"),
    "address": Field("text", "địa chỉ"),
    "phone": Field("text", "số điện thoại, đặt trong ngoặc kép, ví dụ \"0205 3825 123\""),
    "email": Field("email", "thư điện tử"),
    "website": Field("url", "trang web (https://...)"),
    "representative": Field("text", "người đại diện"),
    "body_en": Field("text", "đoạn giới thiệu bằng tiếng Anh (không bắt buộc)"),
    "sample_note": Field("text", "ghi chú: thông tin nào là dữ liệu mẫu"),
    "sources": Field("texts", "nguồn tham khảo"),
}
PAGE = {
    "title": Field("text", "tiêu đề trang", required=True),
    "title_en": Field("text", "tiêu đề tiếng Anh (không bắt buộc)"),
    "description": Field("text", "một câu mô tả trang"),
    "order": Field("int", "thứ tự trong trình đơn (số nhỏ đứng trước)"),
    "body_en": Field("text", "nội dung tiếng Anh (không bắt buộc)"),
    "sources": Field("texts", "nguồn tham khảo"),
}
PRODUCER_KINDS = ("hợp tác xã", "doanh nghiệp", "hộ kinh doanh", "tổ hợp tác")
