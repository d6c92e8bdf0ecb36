"""Find the content files, read them through the schema, and build validated records."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem, astuple_key
from .markup import render_markdown
from .models import Certificate, Image, JourneyStep, Link, Page, Producer, Product, Traceability
from .refdata import RefData
from .reader import Reader, suggest
from .schema import PAGE, PRODUCER, PRODUCT
from .showroom import ShelfItem, load_shelf
from .source import Source, read_source
from .text import format_date, slugify


SECTIONS = ("producers", "products", "pages")  # the folders of the content, one record per entry


@dataclass(frozen=True)
class Catalog:
    """Everything the content folder holds, validated."""

    products: tuple[Product, ...]
    producers: tuple[Producer, ...]
    pages: tuple[Page, ...]
    warnings: tuple[Problem, ...]
    shelf: dict[str, ShelfItem] = field(default_factory=dict)  # content/showroom.yaml (ocop.showroom)


def find_entries(folder: Path | str) -> list[tuple[str, str]]:
    """(slug source name, path) for `x.md` files and `x/index.md` bundles, sorted; paths as strings (a
    catalog's thousands of files are looked up by path on every build)."""
    try:
        found = sorted((entry.name, entry.is_dir()) for entry in os.scandir(folder))
    except OSError:
        return []
    entries = []
    base = os.path.join(str(folder), "")
    for name, is_dir in found:
        if not is_dir and name.lower().endswith(".md") and not name.startswith("."):
            entries.append((name[:-3], base + name))
        elif is_dir and os.path.isfile(index := f"{base}{name}{os.sep}index.md"):
            entries.append((name, index))
    return entries


def _entries(found: list[tuple[str, str]], content_dir: Path, problems: list[Problem]) -> list[tuple[str, str, str]]:
    """(slug, path, rel) of every file of one section, given its find_entries; report a name that makes no
    slug and two files that make the same one."""
    result = []
    seen: dict[str, str] = {}
    above = os.path.join(str(content_dir.parent), "")  # the folder the names in messages start from, with its "/"
    for name, path in found:
        rel = _rel(path, above)
        slug = slugify(name)
        if not slug:
            problems.append(Problem(rel, 0, "", "tên tệp không tạo được địa chỉ trang; hãy đặt tên tệp bằng chữ và số, ví dụ mat-ong.md"))
            continue
        if slug in seen:
            problems.append(Problem(rel, 0, "", f"trùng địa chỉ trang \"{slug}\" với tệp {seen[slug]}; hãy đổi tên một trong hai tệp"))
            continue
        seen[slug] = rel
        result.append((slug, path, rel))
    return result


def _rel(path: str, above: str) -> str:
    """A content file's name in messages, as ocop.source.read_source gives it: below `above` (the content
    folder's parent, ending in a separator) with "/" between its parts, or else the whole path."""
    return path[len(above):].replace(os.sep, "/") if path.startswith(above) else path


def _body(text: str) -> str:
    return render_markdown(text) if text.strip() else ""


def _producer(slug: str, source: Source, ref: RefData, content_dir: Path, problems: list[Problem]) -> Producer | None:
    reader = Reader(source.rel, source.path, content_dir, _resolvers(ref))
    v = reader.read(PRODUCER, source.meta)
    problems.extend(reader.problems)
    if any(p.is_error for p in reader.problems):
        return None
    return Producer(
        slug=slug, source=source.rel, name=v["name"], name_en=v["name_en"] or "", kind=v["kind"], place=v["commune"],
        address=v["address"] or "", phone=v["phone"] or "", email=v["email"] or "", website=v["website"] or "",
        representative=v["representative"] or "", body_html=_body(source.body), sample_note=v["sample_note"] or "",
        body_en_html=_body(v["body_en"] or ""),
    )


def _resolvers(ref: RefData) -> dict:
    return {"category": ref.resolve_category, "commune": ref.resolve_commune}


def _product(slug: str, source: Source, ref: RefData, producers: dict[str, Producer], content_dir: Path,
             problems: list[Problem]) -> Product | None:
    reader = Reader(source.rel, source.path, content_dir, _resolvers(ref))
    v = reader.read(PRODUCT, source.meta)
    lines = source.key_lines
    producer = producers.get(v["producer"]) if v["producer"] else None
    if v["producer"] and producer is None:
        hint = suggest(v["producer"], sorted(producers))
        reader.error(lines.get("producer", 0), "producer", f"không có chủ thể \"{v['producer']}\": cần tệp "
                     f"content/producers/{v['producer']}.md{hint}")
    certificate = None
    cert = v["certificate"]
    cert_reported = any(p.field == "certificate" for p in reader.problems)
    if v["stars"] is not None and cert is None and not cert_reported:
        reader.error(lines.get("certificate", lines.get("stars", 0)), "certificate",
                     f"sản phẩm {v['stars']} sao phải có giấy chứng nhận (certificate: number, date, issuer)")
    if cert and cert["number"] and cert["date"] and cert["issuer"]:
        valid_until = cert["valid_until"] or Certificate.default_valid_until(cert["date"])
        if cert["valid_until"] and cert["valid_until"] < cert["date"]:
            until_line = source.meta["certificate"]["__lines__"].get("valid_until", cert["__line__"])
            reader.error(until_line, "certificate.valid_until", f"ngày hết hiệu lực ({format_date(cert['valid_until'])}) "
                         f"đứng trước ngày cấp ({format_date(cert['date'])}); kiểm tra lại hai ngày")
        certificate = Certificate(cert["number"], cert["date"], cert["issuer"], valid_until)
    trace = None
    t = v["traceability"]
    if t and t["code"]:
        journey = tuple(JourneyStep(s["date"], s["stage"], s["place"] or "", s["note"] or "")
                        for s in (t["journey"] or []) if s["date"] and s["stage"])
        trace = Traceability(t["code"], t["origin"] or "", t["standards"] or (), t["portal"] or "", journey)
    alt = v["alt"] or ""
    images = tuple(Image(path, name, alt if i == 0 and alt else v["title"] or "", line)
                   for i, (path, name, line) in enumerate(v["images"] or []))
    buy = tuple(Link(b["label"], b["url"]) for b in (v["buy"] or []) if b["label"] and b["url"])
    problems.extend(reader.problems)
    if any(p.is_error for p in reader.problems) or producer is None:
        return None
    body_html = _body(source.body)
    return Product(
        slug=slug, source=source.rel, title=v["title"], title_en=v["title_en"] or "", stars=v["stars"],
        group=v["category"], place=v["commune"], producer=producer, certificate=certificate, traceability=trace,
        price=v["price"], unit=v["unit"] or "", images=images, buy=buy, tags=v["tags"] or (),
        featured=bool(v["featured"]), draft=bool(v["draft"]), body_html=body_html,
        body_en_html=_body(v["body_en"] or ""), sample_note=v["sample_note"] or "",
        sources=v["sources"] or (),
    )


def _page(slug: str, source: Source, content_dir: Path, ref: RefData, problems: list[Problem]) -> Page | None:
    reader = Reader(source.rel, source.path, content_dir, _resolvers(ref))
    v = reader.read(PAGE, source.meta)
    problems.extend(reader.problems)
    if any(p.is_error for p in reader.problems):
        return None
    return Page(slug, source.rel, v["title"], v["title_en"] or "", v["description"] or "",
                v["order"] if v["order"] is not None else 100, _body(source.body), _body(v["body_en"] or ""))


def _code_line(source: Source | None) -> int:
    trace = source.meta.get("traceability") if source is not None else None
    return trace["__lines__"].get("code", 0) if isinstance(trace, dict) else 0


def check_unique_codes(products: list[Product], problems: list[Problem], source_of: Callable[[str], Source | None]
                       ) -> None:
    """Two products may not share a traceability code (nor its URL); the later file gets the error."""
    seen: dict[str, Product] = {}
    for product in sorted(products, key=lambda p: p.source):
        if product.traceability is None:
            continue
        key = product.traceability.slug
        if key in seen:
            problems.append(Problem(product.source, _code_line(source_of(product.source)), "traceability.code",
                                    f"mã truy xuất \"{product.traceability.code}\" đã dùng cho {seen[key].source}; "
                                    "mỗi sản phẩm cần một mã riêng"))
        else:
            seen[key] = product


def load_catalog(content_dir: Path, ref: RefData, cache=None) -> tuple[Catalog | None, list[Problem]]:
    """Read and validate all content; the catalog is None when any error was found.

    `cache` (an ocop.cache.BuildCache) gives the records already checked by earlier builds: a file is read
    and its record made again only when the file, the reference data or a photo of the content folder
    changed, or (for a product) when its producer's record did.
    """
    problems: list[Problem] = []
    ref_digest = hashlib.blake2b(repr(ref).encode("utf-8"), digest_size=16).digest()
    base = hashlib.blake2b(repr((str(content_dir), ref_digest, cache.files_key if cache else b"")).encode("utf-8"),
                           digest_size=16).digest()  # what every record is checked against, as one digest

    def records(section: str, make, fresh=lambda record: True) -> Iterator[tuple[str, object]]:
        """(slug, record) of each valid file of a section; `make(slug, source, found)` checks a file, and a
        record the cache gives is used when `fresh(record)`."""
        listed = cache.entries.get(str(content_dir / section)) if cache else None  # as cache.prepare() found them
        for slug, path, rel in _entries(listed if listed is not None else find_entries(content_dir / section),
                                        content_dir, problems):
            digest = cache.digest(path) if cache else None
            key, hit = cache.cached(f"{section}\0{slug}\0{rel}\0".encode("utf-8") + (digest or b"") + base) \
                if cache else (b"", None)
            if hit is None or hit[0] is None or not fresh(hit[0]):
                def run() -> tuple[object, list[Problem]]:
                    source, found = cache.read_source(path, content_dir) if cache \
                        else read_source(Path(path), content_dir)
                    return (make(slug, source, found) if source is not None else None), found

                hit = cache.store(key, run) if digest else run()  # an unreadable file is never kept
            problems.extend(hit[1])
            if hit[0] is not None:
                yield slug, hit[0]

    try:
        producers = dict(records("producers", lambda slug, source, found: _producer(slug, source, ref, content_dir, found)))
        # a product holds its producer's record: one made with another producer record is made again
        products = [record for _, record in records(
            "products", lambda slug, source, found: _product(slug, source, ref, producers, content_dir, found),
            lambda record: producers.get(record.producer.slug) == record.producer)]
        pages = [record for _, record in records(
            "pages", lambda slug, source, found: _page(slug, source, content_dir, ref, found))]
    finally:
        if cache:
            cache.done_reading()
    check_unique_codes(products, problems, lambda rel: read_source(content_dir.parent / rel, content_dir)[0])
    shelf = load_shelf(content_dir, products, problems)
    if not (content_dir / "products").is_dir():
        problems.append(Problem(str(content_dir), 0, "", "không có thư mục products/ trong thư mục nội dung"))
    if any(p.is_error for p in problems):
        return None, problems
    warnings = tuple(sorted((p for p in problems if not p.is_error), key=astuple_key))
    return Catalog(tuple(products), tuple(producers.values()), tuple(pages), warnings, shelf), problems
