"""Read one Markdown file: split the front matter and read its YAML exactly as typed.

Every scalar stays the text the editor typed (YAML 1.1 would turn the phone 02053712345
into 279942373, `no` into false and `250.000` into 250.0); the schema then reads the
text into the declared type. Each value remembers its line for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from .errors import Problem

_HANDLER = frontmatter.YAMLHandler()
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass
class Scalar:
    """A YAML scalar as typed, with its line and whether it was quoted."""

    text: str
    line: int
    quoted: bool

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


@dataclass
class Source:
    """A content file split into front matter (as Scalars, dicts, lists) and body."""

    path: Path
    rel: str
    meta: dict
    key_lines: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    line: int = 1


def _node_value(node: yaml.Node, offset: int, rel: str, problems: list[Problem], field_name: str) -> object:
    """Turn a composed YAML node into Scalars, lists and dicts, keeping lines."""
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, line, node.style in ("'", '"', "|", ">"))
    if isinstance(node, yaml.SequenceNode):
        return [_node_value(item, offset, rel, problems, field_name) for item in node.value]
    result: dict = {}
    lines: dict = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        key_line = key_node.start_mark.line + 1 + offset
        name = f"{field_name}.{key}" if field_name else key
        if key in result:
            problems.append(Problem(rel, key_line, name, f"khoá bị ghi hai lần (lần đầu ở dòng {lines[key]}); chỉ giữ một"))
            continue
        result[key] = _node_value(value_node, offset, rel, problems, name)
        lines[key] = key_line
    result["__lines__"] = lines
    result["__line__"] = line
    return result


def read_source(path: Path, content_dir: Path) -> tuple[Source | None, list[Problem]]:
    """Read and split one content file; return the source or the problems that stop it."""
    rel = path.relative_to(content_dir.parent).as_posix() if path.is_relative_to(content_dir.parent) else str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, "", f"không đọc được tệp: {exc.strerror}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, "", "tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8 (trong Notepad: Lưu thành… → Mã hoá: UTF-8)")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, [Problem(rel, 1, "", "tệp trống; tệp cần phần thông tin đầu trang giữa hai dòng --- rồi đến nội dung")]
    leading = len(text) - len(text.lstrip("\n"))
    stripped = text[leading:]
    if not stripped.startswith("---"):
        return None, [Problem(rel, leading + 1, "", "thiếu phần thông tin đầu trang: dòng đầu tiên phải là --- , tiếp theo là các trường như title: ..., rồi một dòng --- nữa")]
    try:
        fm_text, body = _HANDLER.split(stripped)
    except ValueError:
        return None, [Problem(rel, leading + 1, "", "phần thông tin đầu trang chưa được đóng: thêm một dòng --- sau trường cuối cùng")]
    offset = leading  # line 0 of fm_text is the rest of the opening --- line
    try:
        node = yaml.compose(fm_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else offset + 1
        reason = (exc.problem or "cú pháp sai").strip()
        hint = ""
        if "tab" in reason.lower():
            hint = " (dùng dấu cách, không dùng phím Tab để thụt lề)"
        elif "mapping values" in reason:
            hint = " (giá trị có dấu hai chấm cần đặt trong ngoặc kép, ví dụ \"12:30\")"
        return None, [Problem(rel, line, "", f"lỗi cú pháp YAML: {reason}{hint}")]
    problems: list[Problem] = []
    if node is None or not isinstance(node, yaml.MappingNode):
        return None, [Problem(rel, offset + 1, "", "phần thông tin đầu trang phải là các dòng dạng khoá: giá trị (ví dụ title: Na Cai Kinh)")]
    meta = _node_value(node, offset, rel, problems, "")
    assert isinstance(meta, dict)
    body_line = leading + fm_text.count("\n") + 1  # line 0 of body is the rest of the closing ---
    return Source(path, rel, meta, meta["__lines__"], body, body_line, leading + 1), problems
