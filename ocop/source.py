"""Read one Markdown file: split the front matter and read its YAML exactly as typed.

Every scalar stays the text the editor typed (YAML 1.1 would turn the phone 02053712345
into 279942373, `no` into false and `250.000` into 250.0); the schema then reads the
text into the declared type. Each value remembers its line for error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from .errors import Problem

_HANDLER = frontmatter.YAMLHandler()
_Loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:")
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:")


@dataclass(slots=True)
class Scalar:
    """A YAML scalar as typed, with its line and whether it was quoted."""

    text: str
    line: int
    quoted: bool

    @property
    def is_null(self) -> bool:
        return not self.quoted and self.text in ("", "~", "null", "Null", "NULL")


@dataclass(slots=True)
class Source:
    """A content file split into front matter (as Scalars, dicts, lists) and body."""

    path: Path
    rel: str
    meta: dict
    key_lines: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    line: int = 1


class _AliasFound(Exception):
    """The front matter repeats a node through a YAML alias (*name)."""


def _node_value(node: yaml.Node, offset: int, rel: str, problems: list[Problem], field_name: str,
                seen: set[int] | None = None) -> object:
    """Turn a composed YAML node into Scalars, lists and dicts, keeping lines.

    A node met twice is an alias (*name): the schema has no use for one, and expanding them is how a
    file of a few lines asks for billions of values (the "billion laughs"), so they stop the reading.
    """
    if seen is None:
        seen = set()
    if id(node) in seen:
        raise _AliasFound
    seen.add(id(node))
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, line, node.style in ("'", '"', "|", ">"))
    if isinstance(node, yaml.SequenceNode):
        return [_node_value(item, offset, rel, problems, field_name, seen) for item in node.value]
    result: dict = {}
    lines: dict = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(rel, key_line, field_name, "tên trường phải là một chữ, ví dụ title: (không phải danh sách hay nhóm)"))
            continue
        key = key_node.value
        name = f"{field_name}.{key}" if field_name else key
        if key in result:
            problems.append(Problem(rel, key_line, name, f"khoá bị ghi hai lần (lần đầu ở dòng {lines[key]}); chỉ giữ một"))
            continue
        result[key] = _node_value(value_node, offset, rel, problems, name, seen)
        lines[key] = key_line
    result["__lines__"] = lines
    result["__line__"] = line
    return result


# PyYAML's reasons, said in plain Vietnamese (the English text is kept only when unknown).
_YAML_REASONS = (
    ("tab character", "có ký tự Tab; hãy thụt lề bằng dấu cách, không dùng phím Tab"),
    ("mapping values are not allowed", "có dấu hai chấm trong giá trị; hãy đặt giá trị trong ngoặc kép, ví dụ \"12:30\""),
    ("expected ',' or ']'", "thiếu dấu ] đóng danh sách (hoặc thiếu dấu phẩy giữa các mục)"),
    ("expected ',' or '}'", "thiếu dấu } đóng nhóm (hoặc thiếu dấu phẩy giữa các mục)"),
    ("undefined alias", "dấu * ở đầu giá trị có nghĩa riêng trong YAML; hãy đặt giá trị trong ngoặc kép"),
    ("closing quote", "thiếu dấu ngoặc kép đóng"),
    ("end of stream", "thiếu dấu ngoặc kép hoặc dấu ngoặc đóng"),
    ("cannot start any token", "ký tự @, ` hoặc % không được đứng đầu giá trị; hãy đặt giá trị trong ngoặc kép"),
    ("control characters", "tệp có ký tự điều khiển không in được; hãy xoá ký tự đó"),
    ("expected <block end>", "thụt lề không đều; các trường cùng cấp phải thẳng hàng"),
    ("could not find expected ':'", "thiếu dấu hai chấm sau tên trường (dạng tên: giá trị)"),
    ("expected alphabetic or numeric character", "ký tự & hoặc * ở đầu giá trị có nghĩa riêng trong YAML; hãy đặt giá trị trong ngoặc kép"),
)


def _syntax_problem(exc: yaml.YAMLError, fm_text: str, offset: int, rel: str) -> Problem:
    """A YAML error as a Vietnamese message with its line and, when known, the field on that line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context = getattr(exc, "context_mark", None)
    if context is not None and str(getattr(exc, "context", "")).startswith(("while parsing a flow", "while scanning a quoted", "while scanning a simple key")):
        mark = context  # where the unclosed bracket, quote or key began
    if mark is not None:
        index = mark.line
    elif isinstance(exc, yaml.reader.ReaderError):
        bad = yaml.reader.Reader.NON_PRINTABLE.search(fm_text)
        index = fm_text[: bad.start()].count("\n") if bad else 0
    else:
        index = 0
    reason = str(getattr(exc, "problem", None) or getattr(exc, "reason", None) or "")
    lines = fm_text.split("\n")
    if mark is not None and index < len(lines) and lines[index][mark.column:mark.column + 1] == "\t":
        reason = "tab character"  # the C parser does not say which character it found
    said = next((vi for en, vi in _YAML_REASONS if en in reason), None)
    text = said or f"cú pháp sai ({reason.strip() or 'không rõ'}); hãy kiểm tra dấu ngoặc, dấu hai chấm và thụt lề"
    field_name = ""
    match = _KEY.match(lines[index]) if index < len(lines) else None
    if match:
        field_name = match.group(1)
    return Problem(rel, index + 1 + offset, field_name, f"lỗi cú pháp YAML: {text}")


def _alias_problems(fm_text: str, offset: int, rel: str) -> list[Problem]:
    """One error per line that uses an alias (*name), naming the top-level field it sits in."""
    lines = fm_text.split("\n")
    found: dict[int, Problem] = {}
    for event in yaml.parse(fm_text, Loader=_Loader):
        if not isinstance(event, yaml.AliasEvent) or event.start_mark.line in found:
            continue
        index = event.start_mark.line
        field_name = next((m.group(1) for m in map(_TOP_KEY.match, reversed(lines[:index + 1])) if m), "")
        found[index] = Problem(rel, index + 1 + offset, field_name,
                               f"bí danh YAML *{event.anchor} (lặp lại giá trị đánh dấu bằng &) không được dùng trong "
                               "nội dung; hãy viết giá trị ra đầy đủ, hoặc đặt trong ngoặc kép nếu chữ bắt đầu bằng *")
    return list(found.values())


def read_source(path: Path, content_dir: Path, raw: bytes | None = None) -> tuple[Source | None, list[Problem]]:
    """Read and split one content file (or `raw`, its bytes as already read); return the source or the
    problems that stop it."""
    rel = path.relative_to(content_dir.parent).as_posix() if path.is_relative_to(content_dir.parent) else str(path)
    if raw is None:
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
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, fm_text, offset, rel)]
    problems: list[Problem] = []
    if node is None or not isinstance(node, yaml.MappingNode):
        return None, [Problem(rel, offset + 1, "", "phần thông tin đầu trang phải là các dòng dạng khoá: giá trị (ví dụ title: Na Cai Kinh)")]
    try:
        meta = _node_value(node, offset, rel, problems, "")
    except _AliasFound:
        return None, _alias_problems(fm_text, offset, rel)
    assert isinstance(meta, dict)
    body_line = leading + fm_text.count("\n") + 1  # line 0 of body is the rest of the closing ---
    if "\0" in body:  # never valid in HTML, and ocop.render uses it to mark spliced fragments
        return None, [Problem(rel, body_line + body[: body.index("\0")].count("\n"), "",
                              "nội dung có ký tự điều khiển không in được (NUL, mã 0); hãy xoá ký tự đó")]
    return Source(path, rel, meta, meta["__lines__"], body, body_line, leading + 1), problems


def read_data(path: Path, content_dir: Path) -> tuple[dict | None, list[Problem]]:
    """Read a whole YAML content file (not front matter) as typed text with lines, like read_source's meta;
    None and the problems when it cannot be read."""
    rel = path.relative_to(content_dir.parent).as_posix() if path.is_relative_to(content_dir.parent) else str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except OSError as exc:
        return None, [Problem(rel, 0, "", f"không đọc được tệp: {exc.strerror}")]
    except UnicodeDecodeError:
        return None, [Problem(rel, 0, "", "tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, text, 0, rel)]
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(rel, 1, "", "tệp phải là các dòng dạng khoá: giá trị (xem mẫu ở đầu tệp)")]
    problems: list[Problem] = []
    meta = _node_value(node, 0, rel, problems, "")
    return meta, problems  # type: ignore[return-value]
