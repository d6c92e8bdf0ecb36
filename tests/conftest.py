"""Shared fixtures: small sites written into tmp_path, the CLI run in-process, HTML parsing."""

from __future__ import annotations

import hashlib
import json
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ocop.cli import main

from browser_support import browser, context, page, serve  # noqa: F401  (fixtures shared by all test modules)

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-28"

PRODUCER = """\
---
name: Hợp tác xã Mật ong Hữu Liên
kind: hợp tác xã
commune: Hữu Liên
phone: "02053712345"
email: htx@example.vn
---
Hợp tác xã nuôi ong ở Hữu Liên.
"""

PRODUCT = """\
---
title: Mật ong rừng Hữu Liên
stars: 4
category: thuc-pham
commune: Hữu Liên
producer: htx-mat-ong-huu-lien
certificate:
  number: "1234/QĐ-UBND"
  date: 2025-08-15
  issuer: UBND tỉnh Lạng Sơn
traceability:
  code: HL-MO-0001
  origin: Thôn Làng Bên, xã Hữu Liên, tỉnh Lạng Sơn
  standards: [VietGAP]
  journey:
    - {date: 2025-03-01, stage: Thu hoạch, place: Hữu Liên}
price: 250000
unit: chai 500 ml
tags: [mật ong]
featured: true
---
Mật ong hoa rừng **Hữu Liên**.
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write {relative path: text or bytes} under root, dedenting text."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")


@pytest.fixture
def make_site(tmp_path: Path):
    """make_site({"products/x.md": "..."}) -> content dir with one valid producer and product unless replaced."""

    def make(files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
        content = tmp_path / "content"
        if base:
            write_files(content, {"producers/htx-mat-ong-huu-lien.md": PRODUCER, "products/mat-ong-rung-huu-lien.md": PRODUCT})
        write_files(content, files or {})
        return content

    return make


@pytest.fixture
def build(tmp_path: Path, capsys):
    """build(content, *args) -> (exit code, stdout, stderr); output goes to tmp_path/output."""

    def run(content: Path, *args: str, output: Path | None = None) -> tuple[int, str, str]:
        out = output or tmp_path / "output"
        code = main(["build", "--content", str(content), "--output", str(out), "--today", TODAY, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory) -> Path:
    """The sample catalog (content/) built once for the session, with the default base URL."""
    out = tmp_path_factory.mktemp("sample") / "output"
    assert main(["build", "--output", str(out), "--today", TODAY]) == 0
    return out


def kiosk_precache(output: Path) -> list[str]:
    """The URLs the kiosk's service worker stores when it is installed (kiosk/precache.json)."""
    return json.loads((output / "kiosk" / "precache.json").read_text(encoding="utf-8"))["urls"]


def tree_digest(folder: Path) -> str:
    """One hash of every file's path and bytes under a folder."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Node:
    """A parsed HTML element: tag, attributes, children and text."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        out = []
        for part in self.parts:
            out.append(part.text if isinstance(part, Node) else part)
        return " ".join(" ".join(out).split())

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and all(
                (child.attrs.get(k.rstrip("_")) or "").split().__contains__(v) if k.rstrip("_") == "class"
                else child.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()
            ):
                found.append(child)
            found += child.find_all(tag, **attrs)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> "Node | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        self.current.parts.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        self.current.parts.append(node)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.parts.append(data)


def parse_html(source: str | bytes | Path) -> Node:
    """Parse an HTML document (text, bytes or a file) into a Node tree."""
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    return builder.root
