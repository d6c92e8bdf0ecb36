"""/admin/ without a browser: the generated CMS config (valid, and in step with ocop/schema.py), the page,
the vendored bundle and its parts, and what the forms write being read by the build with its meaning kept."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, parse_html
from ocop.admin import LABELS, PART_BYTES, VENDOR_DIR, bundle_bytes, bundle_parts, part_sizes
from ocop.schema import PAGE, PRODUCER, PRODUCT
from ocop.refdata import load_refdata

PACKAGE_SCHEMA = ROOT / "node_modules" / "@sveltia" / "cms" / "schema" / "sveltia-cms.json"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def config(sample_output: Path) -> dict:
    return yaml.safe_load((sample_output / "admin" / "config.yml").read_text(encoding="utf-8"))


def test_config_is_valid_against_the_json_schema_of_the_pinned_package(config):
    if not PACKAGE_SCHEMA.is_file():
        message = "node_modules/@sveltia/cms missing: run npm ci --ignore-scripts"
        pytest.fail(message) if _ci() else pytest.skip(message)
    import jsonschema

    schema = json.loads(PACKAGE_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(config), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    # A broken config must not pass: the check is real.
    broken = {**config, "backend": {**config["backend"], "auth_methods": ["password"]}}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_the_vendored_bundle_is_the_pinned_version():
    info = json.loads((VENDOR_DIR / "VERSION.json").read_text(encoding="utf-8"))
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["@sveltia/cms"]
    assert info["version"] == pinned
    assert hashlib.sha256(bundle_bytes()).hexdigest() == info["sha256"]
    assert len(bundle_bytes()) == info["bytes"]  # the parts are cut by this size
    installed = ROOT / "node_modules" / "@sveltia" / "cms" / "package.json"
    if installed.is_file():
        assert json.loads(installed.read_text(encoding="utf-8"))["version"] == pinned


def _form_fields(fields: list[dict]) -> dict:
    """{name: (required, nested fields)} of a CMS field list, without the Markdown body."""
    return {f["name"]: (f["required"], _form_fields(f.get("fields", []))) for f in fields if f["name"] != "body"}


def _schema_fields(schema: dict) -> dict:
    return {name: (spec.required, _schema_fields(spec.fields)) for name, spec in schema.items()}


def test_the_forms_have_exactly_the_fields_of_the_schema(config):
    collections = {c["name"]: c for c in config["collections"]}
    for name, schema in (("products", PRODUCT), ("products_single", PRODUCT), ("producers", PRODUCER), ("pages", PAGE)):
        assert _form_fields(collections[name]["fields"]) == _schema_fields(schema), name
        assert [f["name"] for f in collections[name]["fields"]][-1] == "body"
    assert set(LABELS) >= {n for s in (PRODUCT, PRODUCER, PAGE) for n in _names(s)}


def _names(schema: dict) -> set[str]:
    return {name for name, spec in schema.items()} | {n for spec in schema.values() for n in _names(spec.fields)}


def _field(collection: dict, path: str) -> dict:
    fields = collection["fields"]
    for part in path.split("."):
        found = next(f for f in fields if f["name"] == part)
        fields = found.get("fields", [])
    return found


def test_choices_dates_nesting_photos_and_help_come_from_the_schema_and_data(config):
    products = config["collections"][0]
    assert products["folder"] == "content/products" and products["path"] == "{{slug}}/index"
    assert products["media_folder"] == "" and products["public_folder"] == ""  # photos beside index.md
    stars = _field(products, "stars")
    assert stars["widget"] == "select" and [o["value"] for o in stars["options"]] == [3, 4, 5]
    assert stars["required"] is False  # "(Không có)": not ranked
    ref = load_refdata(ROOT / "data")
    category = _field(products, "category")
    assert [(o["value"], o["label"]) for o in category["options"]] == [(g.slug, g.name) for g in ref.groups]
    assert len(category["options"]) == 6
    communes = [o["value"] for o in _field(products, "commune")["options"]]
    assert communes[:8] == [c.name for c in ref.communes] == [
        "Hữu Lũng", "Tuấn Sơn", "Tân Thành", "Vân Nham", "Thiện Tân", "Yên Bình", "Hữu Liên", "Cai Kinh"]
    assert "Hòa Lạc" in communes  # former names stay valid choices for files written before 07/2025
    producer = _field(products, "producer")
    assert (producer["widget"], producer["collection"], producer["value_field"]) == ("relation", "producers", "{{slug}}")
    for path in ("certificate.date", "certificate.valid_until", "traceability.journey.date"):
        assert (_field(products, path)["widget"], _field(products, path)["format"]) == ("datetime", "YYYY-MM-DD")
    assert _field(products, "certificate")["widget"] == "object"
    assert _field(products, "traceability.journey")["widget"] == "list"
    assert [f["name"] for f in _field(products, "buy")["fields"]] == ["label", "url"]
    assert _field(products, "images")["widget"] == "image" and _field(products, "images")["multiple"] is True
    assert _field(products, "price") | {} == {**_field(products, "price"), "widget": "number", "value_type": "int"}
    assert _field(products, "certificate.number")["required"] is True
    assert _field(products, "title")["hint"] == PRODUCT["title"].help
    assert config["backend"]["auth_methods"] == ["token"]
    assert config["output"]["yaml"]["quote"] == "double"
    assert [c["name"] for c in config["collections"]] == ["products", "products_single", "producers", "pages"]


def test_admin_page_is_noindex_offline_and_outside_kiosk_sitemap_and_search(sample_output: Path):
    doc = parse_html(sample_output / "admin" / "index.html")
    assert doc.find("html").attrs["lang"] == "vi"
    assert doc.find("meta", name="robots").attrs["content"] == "noindex, nofollow"
    assert doc.find("link", rel="cms-config-url").attrs["href"] == "config.yml"
    assert "style.css" in doc.find("script").text  # the site's CSS in the preview pane
    for path in ("sitemap.xml", "search-index.json", "kiosk/sw.js", "kiosk/precache.json", "robots.txt"):
        for found in sample_output.glob(path.split("/")[0] if "/" not in path else path):
            if found.is_file():
                assert "admin" not in found.read_text(encoding="utf-8"), found
    page = (sample_output / "admin" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_the_cms_is_published_in_parts_under_1_mb_that_the_page_loads_in_order(sample_output: Path):
    """GitHub Pages: no output file over 1 MB. The page's loader asks for every part, in order, by its own
    path; the parts joined are the vendored script, byte for byte."""
    admin = sample_output / "admin"
    sizes = {p.name: p.stat().st_size for p in admin.rglob("*") if p.is_file()}
    assert max(sizes.values()) <= PART_BYTES < 1_000_000, sizes
    parts = sorted((p for p in admin.glob("cms-*.js")), key=lambda p: int(p.stem.removeprefix("cms-")))
    assert len(parts) > 1 and not (admin / "cms.js").exists()
    assert b"".join(p.read_bytes() for p in parts) == bundle_bytes()
    doc = parse_html(admin / "index.html")
    assert not doc.find("script", src=True)
    loader = doc.find("script", type="module").text
    asked = json.loads(re.search(r"const parts=(\[[^\]]*\]);", loader).group(1))
    assert [url.split("?")[0] for url in asked] == [p.name for p in parts]
    assert len(set(asked)) == len(asked) and all("?v=" in url for url in asked)


def test_the_cut_is_the_fewest_parts_under_the_limit_and_joins_back():
    for size, most in ((0, 4), (1, 4), (4, 4), (5, 4), (9, 4), (13, 3), (3_691_689, PART_BYTES)):
        sizes = part_sizes(size, most)
        assert sum(sizes) == size and max(sizes) <= most and len(sizes) == max(1, -(-size // most)), (size, sizes)
        assert len(set(sizes[:-1])) <= 1 and sizes[-1] <= sizes[0]
    data = bytes(range(256)) * 10_000  # bytes, not characters: a cut may fall inside a UTF-8 sequence
    assert b"".join(bundle_parts(data)) == data


def test_bundle_names_no_cdn_it_would_load_from():
    code = bundle_bytes().decode("utf-8")
    for cdn in ("https://unpkg.com/@shikijs", "https://www.githubstatus.com/api", "fonts.googleapis.com", "jsdelivr"):
        assert cdn not in code, cdn
    assert "data:font/woff2;base64," in code


# What the CMS writes (output.yaml.quote: double): every string quoted, dates quoted, numbers bare or as
# strings, optional fields empty, keys in the form's order; the build must read the same meaning.
CMS_PRODUCT = '''\
---
title: "Mật ong rừng Hữu Liên"
title_en: ""
stars: "4"
category: "thuc-pham"
commune: "Hữu Liên"
producer: "htx-mat-ong-huu-lien"
certificate:
  number: "1234/QĐ-UBND"
  date: "2025-08-15"
  issuer: "UBND tỉnh Lạng Sơn"
  valid_until: ""
traceability:
  code: "0123"
  origin: ""
  standards: []
  portal: ""
  journey:
    - date: 2025-03-01
      stage: "Thu hoạch"
      place: ""
      note: ""
price: "250000"
unit: ""
images: []
alt: ""
buy: []
tags: []
featured: false
draft: "false"
body_en: ""
sample_note: ""
sources: []
---

Mật ong hoa rừng.
'''
CMS_PRODUCER = '''\
---
name: "Hợp tác xã Mật ong Hữu Liên"
name_en: ""
kind: "hợp tác xã"
commune: "Hữu Liên"
address: ""
phone: "02053712345"
email: ""
website: ""
representative: ""
sample_note: ""
sources: []
---
'''


def test_what_the_forms_write_builds_with_its_meaning_kept(make_site, build, tmp_path):
    content = make_site({"products/mat-ong-rung-huu-lien.md": CMS_PRODUCT,
                         "producers/htx-mat-ong-huu-lien.md": CMS_PRODUCER})
    code, out, err = build(content)
    assert code == 0, err
    record = next(p for p in json.loads((tmp_path / "output" / "products.json").read_text(encoding="utf-8"))
                  if p["slug"] == "mat-ong-rung-huu-lien")
    assert record["stars"] == 4 and record["price"] == 250000
    assert record["traceability_code"] == "0123"  # a code stays text
    assert record["certificate_valid_until"] == "2028-08-15"  # empty: 36 months from the date
    page = parse_html(tmp_path / "output" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")
    assert "250.000 ₫" in page.text and "15/08/2025" in page.text and "0123" in page.text
    producer = parse_html(tmp_path / "output" / "chu-the" / "htx-mat-ong-huu-lien" / "index.html")
    assert "02053712345" in producer.text.replace(" ", "")  # a phone stays text, leading 0 kept


def test_a_form_value_the_build_refuses_still_fails_with_file_line_field(make_site, build, tmp_path):
    bad = CMS_PRODUCT.replace('  valid_until: ""', '  valid_until: "2025-01-01"').replace('price: "250000"', 'price: "250.5"')
    content = make_site({"products/mat-ong-rung-huu-lien.md": bad, "producers/htx-mat-ong-huu-lien.md": CMS_PRODUCER})
    code, out, err = build(content)
    assert code == 1
    assert "products/mat-ong-rung-huu-lien.md:12: error: certificate.valid_until: ngày hết hiệu lực (01/01/2025)" in err
    assert "products/mat-ong-rung-huu-lien.md:23: error: price: giá \"250.5\" có phần lẻ" in err
