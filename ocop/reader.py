"""Read front matter by the declared schema (ocop.schema): typed text into values, every problem collected."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from pathlib import Path

from .errors import Problem
from .schema import PRODUCER_KINDS, Field
from .source import Scalar

_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATE_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PRICE_PLAIN = re.compile(r"^\d+$")
_PRICE_GROUPED = re.compile(r"^\d{1,3}([. ]\d{3})+$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WORD_STARS = {"ba": 3, "bốn": 4, "bon": 4, "năm": 5, "nam": 5, "three": 3, "four": 4, "five": 5}


SHARED_CHARS = 120  # a short text (a tag, a unit, a journey stage or place) is one object for every file that has it


def shared(text: str) -> str:
    """`text`, as one object with every equal short text: a catalog repeats its tags, units, issuers, standards,
    journey stages and places thousands of times, and each Vietnamese character takes 2 bytes in memory."""
    return sys.intern(text) if len(text) <= SHARED_CHARS else text


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
        return shared(scalar.text.strip()) if scalar else None

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
                    result.append(shared(item.text.strip()))
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
