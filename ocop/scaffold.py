"""`new`: write a product or producer file with every field, explained from the schema's help texts."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import SiteError
from .schema import PRODUCER, PRODUCER_KINDS, PRODUCT, Field
from .source import read_source
from .text import fold, slugify

_KIND_WORDS = (("hop tac xa", "hợp tác xã"), ("htx", "hợp tác xã"), ("cong ty", "doanh nghiệp"),
               ("doanh nghiep", "doanh nghiệp"), ("ho kinh doanh", "hộ kinh doanh"), ("to hop tac", "tổ hợp tác"))


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _field_lines(name: str, spec: Field, value: str, indent: str = "") -> list[str]:
    """`# help` then `name: value`; a record's inner fields follow as commented-out examples."""
    need = " (bắt buộc)" if spec.required else "" if "không bắt buộc" in spec.help else " (không bắt buộc)"
    lines = [f"{indent}# {spec.help}{need}", f"{indent}{name}:{' ' + value if value else ''}"]
    for inner, inner_spec in spec.fields.items():
        lines.append(f"{indent}#   {inner}:    # {inner_spec.help}")
    return lines


def front_matter(schema: dict[str, Field], values: dict[str, str]) -> str:
    """Every field of the schema in order, with the given values filled in."""
    lines = ["---"]
    for name, spec in schema.items():
        lines += _field_lines(name, spec, values.get(name, ""))
    lines.append("---")
    return "\n".join(lines) + "\n"


def guess_kind(name: str) -> str:
    """The producer kind a name announces ("Hợp tác xã ..." -> hợp tác xã), or ""."""
    folded = fold(name)
    for words, kind in _KIND_WORDS:
        if folded.startswith(words):
            return kind
    return ""


def _existing(folder: Path, slug: str) -> Path | None:
    for path in (folder / f"{slug}.md", folder / slug / "index.md", folder / slug):
        if path.exists():
            return path
    return None


def _slug(name: str) -> str:
    slug = slugify(name)
    if not slug:
        raise SiteError(f"tên \"{name}\" không tạo được tên tệp; hãy dùng chữ và số")
    return slug


def new_producer(content_dir: Path, name: str) -> Path:
    """content/producers/<slug>.md with the name and the kind the name announces."""
    slug = _slug(name)
    folder = content_dir / "producers"
    if (found := _existing(folder, slug)) is not None:
        raise SiteError(f"đã có tệp {found}; không ghi đè. Hãy đặt tên khác hoặc sửa tệp đó")
    kind = guess_kind(name)
    values = {"name": _quote(name), "kind": kind}
    text = front_matter(PRODUCER, values).replace(
        "# loại hình", f"# các loại hình: {', '.join(PRODUCER_KINDS)}\n# loại hình", 1)
    path = folder / f"{slug}.md"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text + f"Giới thiệu về {name}: lịch sử, thành viên, cách làm ra sản phẩm.\n", encoding="utf-8")
    return path


def _producer_commune(content_dir: Path, producer: str) -> str:
    """The commune written in a producer's file, or ""."""
    path = content_dir / "producers" / f"{producer}.md"
    if not path.is_file():
        return ""
    source, _ = read_source(path, content_dir)
    raw = source.meta.get("commune") if source else None
    return raw.text.strip() if hasattr(raw, "text") else ""


def new_product(content_dir: Path, title: str, producer: str = "") -> Path:
    """content/products/<slug>/index.md (a folder, so photos go beside it); valid once a producer is given."""
    slug = _slug(title)
    folder = content_dir / "products"
    if (found := _existing(folder, slug)) is not None:
        raise SiteError(f"đã có {found}; không ghi đè. Hãy đặt tên khác hoặc sửa tệp đó")
    if producer and not (content_dir / "producers" / f"{producer}.md").is_file():
        raise SiteError(f"không có chủ thể \"{producer}\" (cần tệp content/producers/{producer}.md); "
                        "tạo trước bằng: python build.py new producer \"Tên chủ thể\"")
    commune = _producer_commune(content_dir, producer) if producer else ""
    values = {"title": _quote(title), "category": "thuc-pham", "producer": producer,
              "commune": _quote(commune) if commune else "", "featured": "false", "draft": "false"}
    path = folder / slug / "index.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter(PRODUCT, values) + "\n", encoding="utf-8")
    return path
