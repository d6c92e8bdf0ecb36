"""The declared front-matter schema, and the readers that turn typed text into values.

Each field says its type, whether it is required, and what it means (the `new` command
writes that explanation into the files it creates). A reader collects every problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .source import Scalar


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

_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PRICE_PLAIN = re.compile(r"^\d+$")
_PRICE_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WORD_STARS = {"ba": 3, "bốn": 4, "bon": 4, "năm": 5, "nam": 5, "three": 3, "four": 4, "five": 5}


def suggest(word: str, choices: list[str]) -> str:
    """ ' (có phải ý bạn là "x"?)' for the nearest choice, or ''."""
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f" (có phải ý bạn là \"{match[0]}\"?)" if match else ""


def is_blank(raw: object) -> bool:
    """Whether a value says nothing: null, empty text (quoted or not: forms write optional fields as ""),
    or a group with no field in it; such an optional field is absent, a required one missing."""
    if isinstance(raw, Scalar):
        return raw.is_null or not raw.text.strip()
    return isinstance(raw, dict) and not raw.get("__lines__")


class Reader:
    """Reads a front-matter mapping against a schema, collecting problems for one file."""

    def __init__(self, rel: str, path: Path, content_dir: Path, resolvers: dict):
        self.rel = rel
        self.path = path
        self.content_dir = content_dir
        self.resolvers = resolvers
        self.problems: list[Problem] = []

    def error(self, line: int, name: str, message: str) -> None:
        self.problems.append(Problem(self.rel, line, name, message))

    def warn(self, line: int, name: str, message: str) -> None:
        self.problems.append(Problem(self.rel, line, name, message, "warning"))

    def read(self, schema: dict, meta: dict, prefix: str = "") -> dict:
        """Read every declared field; absent optional fields are None."""
        lines = meta.get("__lines__", {})
        values: dict = {}
        for key, line in lines.items():
            if key not in schema:
                hint = suggest(key, list(schema))
                self.warn(line, prefix + key, f"trường không có trong mẫu, sẽ bị bỏ qua{hint}")
        for key, spec in schema.items():
            name = prefix + key
            raw = meta.get(key)
            line = lines.get(key, meta.get("__line__", 0))
            blank = is_blank(raw)
            if raw is None or blank:
                if spec.required:
                    self.error(meta.get("__line__", 0) if key not in lines else line, name,
                               f"thiếu trường bắt buộc ({spec.help})")
                values[key] = None
                continue
            values[key] = getattr(self, "read_" + spec.kind)(raw, line, name, spec)
        return values

    def _scalar(self, raw: object, line: int, name: str, expected: str) -> Scalar | None:
        if isinstance(raw, Scalar):
            return raw
        shape = "một danh sách" if isinstance(raw, list) else "một nhóm trường"
        self.error(line, name, f"phải là {expected}, nhưng đang là {shape}")
        return None

    def read_text(self, raw: object, line: int, name: str, spec: Field) -> str | None:
        scalar = self._scalar(raw, line, name, "một dòng chữ")
        return scalar.text.strip() if scalar else None

    def read_int(self, raw: object, line: int, name: str, spec: Field) -> int | None:
        scalar = self._scalar(raw, line, name, "một số nguyên")
        if scalar and re.fullmatch(r"-?\d+", scalar.text.strip()):
            return int(scalar.text)
        if scalar:
            self.error(scalar.line, name, f"phải là một số nguyên, ví dụ 10; đang ghi \"{scalar.text}\"")
        return None

    def read_stars(self, raw: object, line: int, name: str, spec: Field) -> int | None:
        scalar = self._scalar(raw, line, name, "một số 3, 4 hoặc 5")
        if not scalar:
            return None
        text = scalar.text.strip()
        if text in ("3", "4", "5"):
            return int(text)
        if text in ("1", "2"):
            self.error(scalar.line, name, f"{text} sao là điểm đánh giá, không phải chứng nhận OCOP: chỉ 3, 4 hoặc 5 sao được "
                       "cấp giấy chứng nhận; nếu sản phẩm chưa đạt hạng, hãy bỏ trường stars")
        elif text.lower() in _WORD_STARS:
            self.error(scalar.line, name, f"hãy viết hạng sao bằng chữ số: {_WORD_STARS[text.lower()]} thay cho \"{text}\"")
        elif re.fullmatch(r"\d+[.,]\d+", text):
            self.error(scalar.line, name, f"hạng sao là số nguyên 3, 4 hoặc 5, không có số lẻ; đang ghi \"{text}\"")
        else:
            self.error(scalar.line, name, f"hạng sao OCOP phải là 3, 4 hoặc 5; đang ghi \"{text}\"")
        return None

    def read_date(self, raw: object, line: int, name: str, spec: Field) -> dt.date | None:
        scalar = self._scalar(raw, line, name, "một ngày")
        if not scalar:
            return None
        text = scalar.text.strip()
        iso, vn = _DATE_ISO.match(text), _DATE_VN.match(text)
        if iso or vn:
            year, month, day = (int(x) for x in iso.groups()) if iso else (int(x) for x in reversed(vn.groups()))
            try:
                return dt.date(year, month, day)
            except ValueError:
                self.error(scalar.line, name, f"không có ngày \"{text}\" trong lịch")
                return None
        self.error(scalar.line, name, f"phải là một ngày dạng năm-tháng-ngày (2023-08-15) hoặc ngày/tháng/năm "
                   f"(15/08/2023); đang ghi \"{text}\"")
        return None

    def read_bool(self, raw: object, line: int, name: str, spec: Field) -> bool | None:
        scalar = self._scalar(raw, line, name, "true hoặc false")
        if not scalar:
            return None
        text = scalar.text.strip().lower()
        if text in ("true", "yes", "có", "co"):
            return True
        if text in ("false", "no", "không", "khong"):
            return False
        self.error(scalar.line, name, f"phải là true (có) hoặc false (không); đang ghi \"{scalar.text}\"")
        return None

    def read_price(self, raw: object, line: int, name: str, spec: Field) -> int | None:
        scalar = self._scalar(raw, line, name, "một số tiền")
        if not scalar:
            return None
        text = re.sub(r"\s*(₫|đ|đồng|vnđ|vnd)$", "", scalar.text.strip(), flags=re.IGNORECASE)
        if _PRICE_PLAIN.match(text) or _PRICE_GROUPED.match(text):
            value = int(re.sub(r"[. ]", "", text))
            if value > 0:
                return value
        if re.fullmatch(r"\d+[.,]\d{1,2}", text):
            self.error(scalar.line, name, f"giá \"{scalar.text}\" có phần lẻ: giá tính bằng đồng, không có số lẻ. Dấu chấm "
                       "chỉ dùng để tách hàng nghìn (250.000); tốt nhất viết liền: 250000")
        elif re.fullmatch(r"\d{1,3}(,\d{3})+", text):
            self.error(scalar.line, name, f"giá \"{scalar.text}\" dùng dấu phẩy; ở Việt Nam dấu phẩy là dấu thập phân. "
                       f"Hãy viết liền không dấu: {text.replace(',', '')}")
        else:
            self.error(scalar.line, name, f"giá phải là số đồng viết liền, ví dụ 250000; đang ghi \"{scalar.text}\"")
        return None

    def read_url(self, raw: object, line: int, name: str, spec: Field) -> str | None:
        scalar = self._scalar(raw, line, name, "một địa chỉ web")
        if not scalar:
            return None
        text = scalar.text.strip()
        if re.match(r"^https?://[^\s/]+\.[^\s]*$", text):
            return text
        self.error(scalar.line, name, f"phải là địa chỉ web bắt đầu bằng https:// hoặc http://; đang ghi \"{text}\"")
        return None

    def read_email(self, raw: object, line: int, name: str, spec: Field) -> str | None:
        scalar = self._scalar(raw, line, name, "một địa chỉ thư điện tử")
        if scalar and _EMAIL.match(scalar.text.strip()):
            return scalar.text.strip()
        if scalar:
            self.error(scalar.line, name, f"phải là địa chỉ thư điện tử dạng ten@mien.vn; đang ghi \"{scalar.text}\"")
        return None

    def read_code(self, raw: object, line: int, name: str, spec: Field) -> str | None:
        scalar = self._scalar(raw, line, name, "một mã")
        if scalar and _CODE.match(scalar.text.strip()):
            return scalar.text.strip()
        if scalar:
            self.error(scalar.line, name, f"mã chỉ gồm chữ không dấu, chữ số, dấu gạch ngang, ví dụ HL-MO-0001; "
                       f"đang ghi \"{scalar.text}\"")
        return None

    def read_slug(self, raw: object, line: int, name: str, spec: Field) -> str | None:
        return self.read_text(raw, line, name, spec)

    def read_texts(self, raw: object, line: int, name: str, spec: Field) -> tuple[str, ...] | None:
        items = raw if isinstance(raw, list) else [raw]
        result = []
        for item in items:
            if isinstance(item, Scalar):
                if item.text.strip():
                    result.append(item.text.strip())
            else:
                self.error(line, name, "mỗi mục trong danh sách phải là một dòng chữ")
        return tuple(result)

    def read_record(self, raw: object, line: int, name: str, spec: Field) -> dict | None:
        if not isinstance(raw, dict):
            self.error(line, name, "phải là một nhóm trường thụt vào bên dưới (xem mẫu)")
            return None
        values = self.read(spec.fields, raw, name + ".")
        values["__line__"] = raw["__line__"]
        return values

    def read_records(self, raw: object, line: int, name: str, spec: Field) -> list[dict] | None:
        if not isinstance(raw, list):
            self.error(line, name, "phải là một danh sách, mỗi mục bắt đầu bằng dấu gạch ngang -")
            return None
        result = []
        for index, item in enumerate(raw, 1):
            item_name = f"{name}[{index}]"
            if isinstance(item, dict):
                values = self.read(spec.fields, item, item_name + ".")
                values["__line__"] = item["__line__"]
                result.append(values)
            else:
                self.error(item.line if isinstance(item, Scalar) else line, item_name,
                           "mỗi mục phải là một nhóm trường, ví dụ {date: 2024-03-01, stage: Thu hoạch}")
        return result

    def read_images(self, raw: object, line: int, name: str, spec: Field) -> list[tuple[Path, str, int]] | None:
        items = raw if isinstance(raw, list) else [raw]
        result = []
        root = self.content_dir.resolve()
        for item in items:
            if not isinstance(item, Scalar) or not item.text.strip():
                self.error(line, name, "mỗi ảnh là một tên tệp, ví dụ anh-bia.jpg")
                continue
            text = item.text.strip()
            target = (self.path.parent / text).resolve()
            if text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", text) or not target.is_relative_to(root):
                self.error(item.line, name, f"đường dẫn \"{text}\" đi ra ngoài thư mục nội dung; ảnh phải nằm trong "
                           "thư mục content (tốt nhất là cạnh tệp .md)")
            elif not target.is_file():
                self.error(item.line, name, f"không tìm thấy tệp ảnh \"{text}\" (tìm ở {target.relative_to(root.parent).as_posix()})")
            else:
                result.append((target, text, item.line))
        return result

    def read_category(self, raw: object, line: int, name: str, spec: Field) -> object:
        scalar = self._scalar(raw, line, name, "mã nhóm sản phẩm")
        return self.resolvers["category"](self, scalar) if scalar else None

    def read_commune(self, raw: object, line: int, name: str, spec: Field) -> object:
        scalar = self._scalar(raw, line, name, "tên xã")
        return self.resolvers["commune"](self, scalar, name) if scalar else None

    def read_kind(self, raw: object, line: int, name: str, spec: Field) -> str | None:
        scalar = self._scalar(raw, line, name, "loại hình chủ thể")
        if not scalar:
            return None
        text = scalar.text.strip().lower()
        if text in PRODUCER_KINDS:
            return text
        self.error(scalar.line, name, f"loại hình phải là một trong: {', '.join(PRODUCER_KINDS)}; đang ghi "
                   f"\"{scalar.text}\"{suggest(text, list(PRODUCER_KINDS))}")
        return None
