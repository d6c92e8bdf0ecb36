"""`/admin/`: the web forms (Sveltia CMS) that staff use to edit the content files.

The CMS configuration (`admin/config.yml`) is generated from the declared schema (ocop.schema) and
the reference data (data/), so a form can never offer a field, a group or a commune the build does not
know. The CMS itself is a vendored, pinned bundle (vendor/sveltia-cms/, made by tools/update_cms.sh), published
in parts under 1 MB (GitHub Pages) that a small loader in the page joins and runs as one module.
The forms are a convenience: whatever they save is read and checked by the build like any other edit.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .refdata import RefData
from .schema import PAGE, PRODUCER, PRODUCER_KINDS, PRODUCT, Field

ADMIN = "admin/"
VENDOR_DIR = Path(__file__).resolve().parent.parent / "vendor" / "sveltia-cms"
BUNDLE = "cms.js"
PART_BYTES = 900_000  # the most bytes of one part of the CMS script: no output file over 1 MB, with margin

# The form label of every schema field (the schema's help text becomes the hint below the input).
LABELS = {
    "title": "Tên", "title_en": "Tên tiếng Anh", "stars": "Hạng sao OCOP", "category": "Nhóm sản phẩm",
    "commune": "Xã", "producer": "Chủ thể", "certificate": "Giấy chứng nhận OCOP", "number": "Số quyết định",
    "date": "Ngày", "issuer": "Cơ quan cấp", "valid_until": "Hiệu lực đến", "traceability": "Truy xuất nguồn gốc",
    "code": "Mã truy xuất", "origin": "Nơi sản xuất", "standards": "Tiêu chuẩn áp dụng",
    "portal": "Hệ thống truy xuất bên ngoài", "journey": "Hành trình sản phẩm", "stage": "Công đoạn",
    "place": "Nơi thực hiện", "note": "Ghi chú", "price": "Giá bán (đồng)", "unit": "Đơn vị bán",
    "images": "Ảnh sản phẩm", "alt": "Mô tả ảnh đầu tiên", "buy": "Nơi mua trực tuyến", "label": "Tên nơi bán",
    "url": "Địa chỉ trang bán", "tags": "Từ khoá", "featured": "Sản phẩm tiêu biểu", "draft": "Bản nháp (chưa đăng)",
    "body_en": "Giới thiệu bằng tiếng Anh", "sample_note": "Ghi chú dữ liệu mẫu", "sources": "Nguồn tham khảo",
    "name": "Tên chủ thể", "name_en": "Tên tiếng Anh", "kind": "Loại hình", "address": "Địa chỉ",
    "phone": "Số điện thoại", "email": "Thư điện tử", "website": "Trang web", "representative": "Người đại diện",
    "description": "Mô tả ngắn", "order": "Thứ tự trong trình đơn",
}
_ITEM_SUMMARY = {"journey": "{{date}} · {{stage}}", "buy": "{{label}}"}
_PHOTO_TYPES = "image/jpeg,image/png,image/webp"


def _options(ref: RefData) -> dict[str, list[dict]]:
    """The choices of the select fields: stars, the OCOP groups, the communes (new names, then former ones)."""
    communes = [{"label": c.name, "value": c.name} for c in ref.communes]
    seen = {c.name for c in ref.communes}
    for commune in ref.communes:
        for old in commune.former:
            if old not in seen:
                seen.add(old)
                communes.append({"label": f"{old} (tên cũ, nay là xã {commune.name})", "value": old})
    return {
        "stars": [{"label": f"{n} sao", "value": n} for n in (3, 4, 5)],
        "category": [{"label": g.name, "value": g.slug} for g in ref.groups],
        "commune": communes,
        "kind": [{"label": k, "value": k} for k in PRODUCER_KINDS],
    }


def cms_field(name: str, spec: Field, options: dict[str, list[dict]]) -> dict:
    """One schema field as a Sveltia CMS field (widget, choices, required, Vietnamese label and hint)."""
    out: dict = {"name": name, "label": LABELS[name], "required": spec.required, "hint": spec.help}
    kind = spec.kind
    if kind in ("text", "slug") and name not in ("body_en", "sample_note", "producer"):
        out["widget"] = "string"
    elif kind == "text":
        out["widget"] = "text"
    if name == "producer":
        out.update(widget="relation", collection="producers", value_field="{{slug}}",
                   display_fields=["{{name}}"], search_fields=["name"])
    elif kind in ("stars", "category", "commune", "kind"):
        out.update(widget="select", options=options[kind])
    elif kind == "date":
        out.update(widget="datetime", type="date", format="YYYY-MM-DD")
    elif kind in ("price", "int"):
        out.update(widget="number", value_type="int")
        if kind == "price":
            out.update(min=1, after_input="₫")
    elif kind in ("url", "email"):
        out.update(widget="string", type=kind)
    elif kind == "code":
        out.update(widget="string", pattern=["^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                             "chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, ví dụ HL-MO-0001"])
    elif kind == "bool":
        out.update(widget="boolean", default=False)
    elif kind == "texts":
        out.update(widget="list")
    elif kind == "images":
        out.update(widget="image", multiple=True, accept=_PHOTO_TYPES, choose_url=False)
    elif kind == "record":
        out.update(widget="object",
                   fields=[cms_field(k, v, options) for k, v in spec.fields.items()])
    elif kind == "records":
        out.update(widget="list", collapsed="auto", summary=_ITEM_SUMMARY.get(name, ""),
                   fields=[cms_field(k, v, options) for k, v in spec.fields.items()])
    if "widget" not in out:
        raise ValueError(f"no form widget for the schema kind {kind!r} ({name})")
    return {k: v for k, v in out.items() if v != ""}


def _fields(schema: dict, options: dict[str, list[dict]], body_label: str) -> list[dict]:
    fields = [cms_field(name, spec, options) for name, spec in schema.items()]
    return fields + [{"name": "body", "label": body_label, "widget": "markdown", "required": False,
                      "hint": "phần giới thiệu hiện trên trang (Markdown)"}]


def default_repo(base_url: str) -> str:
    """owner/name of the GitHub repository a project site https://owner.github.io/name/ is published from."""
    parts = urlsplit(base_url)
    owner = parts.netloc.split(".github.io")[0] if parts.netloc.endswith(".github.io") else "owner"
    name = parts.path.strip("/").split("/")[0] or f"{owner}.github.io"
    return f"{owner}/{name}"


def cms_config(ref: RefData, repo: str, branch: str, site_url: str) -> dict:
    """The whole Sveltia CMS configuration, as data (written as admin/config.yml)."""
    options = _options(ref)
    product = {
        "name": "products", "label": "Sản phẩm", "label_singular": "sản phẩm", "icon": "shopping_basket",
        "folder": "content/products", "path": "{{slug}}/index", "media_folder": "", "public_folder": "",
        "identifier_field": "title", "summary": "{{title}}", "sortable_fields": ["title"],
        "description": "Mỗi sản phẩm là một thư mục content/products/<mã>/ có tệp index.md và các ảnh.",
        "fields": _fields(PRODUCT, options, "Câu chuyện sản phẩm"),
    }
    single = {
        **product, "name": "products_single", "label": "Sản phẩm (tệp đơn cũ)", "path": "{{slug}}", "create": False,
        "description": "Sản phẩm còn viết thành một tệp content/products/<mã>.md (không có thư mục riêng). Sửa được; "
                       "muốn thêm ảnh thì chuyển thành thư mục: xem hướng dẫn trong README.",
    }
    return {
        "backend": {"name": "github", "repo": repo, "branch": branch, "auth_methods": ["token"],
                    "commit_messages": {"create": "Thêm {{collection}} “{{slug}}” (qua trang quản trị)",
                                        "update": "Sửa {{collection}} “{{slug}}” (qua trang quản trị)",
                                        "delete": "Xoá {{collection}} “{{slug}}” (qua trang quản trị)",
                                        "uploadMedia": "Tải lên “{{path}}” (qua trang quản trị)",
                                        "deleteMedia": "Xoá “{{path}}” (qua trang quản trị)"}},
        "app_title": "Quản trị danh mục OCOP Hữu Lũng",
        "site_url": site_url,
        "media_folder": "content/products",
        "slug": {"encoding": "ascii", "clean_accents": True},
        "output": {"omit_empty_optional_fields": True, "yaml": {"quote": "double"}},
        "collections": [
            product,
            single,
            {"name": "producers", "label": "Chủ thể OCOP", "label_singular": "chủ thể", "icon": "storefront",
             "folder": "content/producers", "identifier_field": "name", "summary": "{{name}}",
             "sortable_fields": ["name"], "fields": _fields(PRODUCER, options, "Giới thiệu chủ thể")},
            {"name": "pages", "label": "Trang thông tin", "label_singular": "trang", "icon": "article",
             "folder": "content/pages", "identifier_field": "title", "summary": "{{title}}",
             "sortable_fields": ["title", "order"], "fields": _fields(PAGE, options, "Nội dung trang")},
        ],
    }


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: object) -> bool:  # write shared lists out in full, no &anchors
        return True


def config_yaml(config: dict) -> bytes:
    header = ("# Tạo tự động bởi `python build.py` từ ocop/schema.py và data/ (không sửa tay tệp này).\n"
              "# Sveltia CMS: https://sveltiacms.app/en/docs\n")
    return (header + yaml.dump(config, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)).encode("utf-8")


def bundle_info() -> dict:
    """{"version": ..., ...} of the vendored CMS bundle (vendor/sveltia-cms/VERSION.json)."""
    return json.loads((VENDOR_DIR / "VERSION.json").read_text(encoding="utf-8"))


def bundle_bytes() -> bytes:
    """The vendored CMS script (kept gzipped in the repository)."""
    return gzip.decompress((VENDOR_DIR / (BUNDLE + ".gz")).read_bytes())


def part_sizes(size: int, most: int = PART_BYTES) -> list[int]:
    """The byte sizes of the parts a script of `size` bytes is cut into: as few as fit under `most`, all but
    the last of one size (the last is the same or smaller)."""
    count = max(1, math.ceil(size / most))
    each = math.ceil(size / count)
    return [min(each, size - each * n) for n in range(count)]


def part_names(size: int) -> list[str]:
    """The file names of the parts (in admin/), in the order they are joined: cms-1.js, cms-2.js, ..."""
    stem = BUNDLE.removesuffix(".js")
    return [f"{stem}-{n}.js" for n in range(1, len(part_sizes(size)) + 1)]


def bundle_parts(data: bytes) -> list[bytes]:
    """The CMS script cut into its parts (bytes, not characters: only the joined whole is decoded)."""
    parts: list[bytes] = []
    start = 0
    for length in part_sizes(len(data)):
        parts.append(data[start:start + length])
        start += length
    return parts


def bundle_outputs() -> dict[str, tuple[bytes, Callable[[], bytes]]]:
    """admin/cms-N.js for the build: each part's key (the script's digest and the part's byte range) and a
    maker; the script is unpacked only if a part has to be written."""
    info = bundle_info()
    parts = functools.cache(lambda: bundle_parts(bundle_bytes()))
    found: dict[str, tuple[bytes, Callable[[], bytes]]] = {}
    start = 0
    for n, (name, size) in enumerate(zip(part_names(info["bytes"]), part_sizes(info["bytes"]))):
        found[ADMIN + name] = (f"{info['sha256']}:{start}:{size}".encode("ascii"), lambda n=n: parts()[n])
        start += size
    return found


# Fetches the parts at once, joins them in order into one Blob and runs it as the module the CMS is; a part
# that cannot be loaded leaves a message in the page. A blob: module cannot import relative URLs, so the
# bundle must stay one module (tools/cms/build.mjs does not split it into chunks).
LOADER = ("const parts=%s;"
          "try{const got=await Promise.all(parts.map(async u=>{const r=await fetch(u);"
          "if(!r.ok)throw new Error(u+': '+r.status);return r.blob();}));"
          "await import(URL.createObjectURL(new Blob(got,{type:'text/javascript'})));}"
          "catch(e){const p=document.createElement('p');"
          "p.textContent=%s+e;document.body.append(p);throw e;}")


def index_html(title: str, style_href: str, info: dict) -> bytes:
    """The admin page: not indexed, Vietnamese interface, the site's CSS in the preview pane, the CMS loaded
    from its parts (`info` is bundle_info()). A part's `?v=` is the script's digest and the part's length:
    for one script, a part's number and length fix its bytes, so a cached part is never one of another cut."""
    setup = ("window.OCOP_CMS={previewStyles:%s};"
             "try{var k='sveltia-cms.prefs',p=JSON.parse(localStorage.getItem(k)||'{}')||{};"
             "if(!p.locale){p.locale='vi';localStorage.setItem(k,JSON.stringify(p));}}catch(e){}"
             % json.dumps([style_href]))
    size = info["bytes"]
    urls = [f"{name}?v={info['sha256'][:12]}.{length}" for name, length in zip(part_names(size), part_sizes(size))]
    loader = LOADER % (json.dumps(urls, separators=(",", ":")),
                       json.dumps("Không tải được trang quản trị, hãy tải lại trang. Lỗi: ", ensure_ascii=False))
    return (
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
        f"<title>Quản trị — {html.escape(title)}</title>\n"
        "<link href=\"config.yml\" type=\"application/yaml\" rel=\"cms-config-url\">\n"
        f"<script>{setup}</script>\n"
        f"<script type=\"module\">{loader}</script>\n"
        "</head>\n<body>\n<noscript>Trang quản trị cần bật JavaScript.</noscript>\n</body>\n</html>\n"
    ).encode("utf-8")


def admin_pages(config, ref: RefData) -> dict[str, bytes]:
    """admin/index.html and admin/config.yml of the built site (the CMS script's parts, admin/cms-N.js, are
    bundle_parts(bundle_bytes()))."""
    repo = config.admin.repo or default_repo(config.base_url)
    style = f"{config.base_path}assets/style.css"
    return {
        ADMIN + "index.html": index_html(config.title, style, bundle_info()),
        ADMIN + "config.yml": config_yaml(cms_config(ref, repo, config.admin.branch, config.base_url)),
    }


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN) or bool(re.match(r"^admin/?$", path))
