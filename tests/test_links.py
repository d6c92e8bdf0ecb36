"""`check --links`: broken internal links, missing #targets and missing files in output/ are reported."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, TODAY, parse_html
from ocop.cli import main
from ocop.links import built_base_url, check_links, srcset_urls

SUBPATH_URL = "https://vi-du.github.io/ocop-huu-lung/"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample content that a test may break."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def _first_product(content: Path) -> tuple[str, Path]:
    """(slug, Markdown file) of the first sample product bundle that has a photo."""
    for bundle in sorted((content / "products").iterdir()):
        if bundle.is_dir() and any(bundle.glob("*.jpg")):
            return bundle.name, bundle / "index.md"
    raise AssertionError("the sample has no product bundle with a photo")


def _build(capsys, content: Path, output: Path, *args: str) -> None:
    code, _, err = _run(capsys, "build", "--content", str(content), "--output", str(output), "--today", TODAY, *args)
    assert code == 0, err


def test_sample_build_has_no_broken_links(capsys, sample_output):
    code, out, err = _run(capsys, "check", "--links", "--output", str(sample_output))
    assert code == 0, err
    assert "error" not in err


def test_sample_under_a_subpath_has_no_broken_links(capsys, tmp_path):
    output = tmp_path / "output"
    _build(capsys, ROOT / "content", output, "--base-url", SUBPATH_URL)
    assert built_base_url(output) == SUBPATH_URL
    assert check_links(output, SUBPATH_URL) == []
    code, _, err = _run(capsys, "check", "--links", "--output", str(output))
    assert code == 0, err


def test_broken_link_and_missing_image_are_reported_with_the_linking_page(capsys, sample_copy, tmp_path):
    slug, md = _first_product(sample_copy)
    # a relative link (root-absolute ones to no page already stop the build: tests/test_body_links.py)
    md.write_text(md.read_text(encoding="utf-8") + "\nXem [trang cũ](../../khong-co/) và [mục lạ](#khong-co-muc).\n",
                  encoding="utf-8")
    output = tmp_path / "output"
    _build(capsys, sample_copy, output)
    page = output / "san-pham" / slug / "index.html"
    image_src = parse_html(page).find("img", class_="photo").attrs["src"]
    base_path = urlsplit(built_base_url(output)).path
    image_file = output / urlsplit(image_src).path.removeprefix(base_path)
    image_file.unlink()

    code, out, err = _run(capsys, "check", "--links", "--output", str(output))

    assert code == 1
    lines = err.splitlines()
    page_name = f"san-pham/{slug}/index.html"
    broken = [line for line in lines if "/khong-co/" in line]
    assert broken and all(page_name in line and ": error: a href:" in line for line in broken), err
    fragment = [line for line in lines if 'id="khong-co-muc"' in line]
    assert fragment and page_name in fragment[0], err
    missing = [line for line in lines if image_src in line and page_name in line]
    assert missing and "img src" in missing[0], err


def test_links_outside_the_base_path_are_reported(tmp_path):
    site = tmp_path / "output"
    (site / "assets").mkdir(parents=True)
    (site / "assets/style.css").write_text("body{background:url(nen.png)}\n", encoding="utf-8")
    (site / "index.html").write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="/ocop/assets/style.css">\n'
        '<link rel="icon" href="/assets/favicon.svg"></head>\n'
        '<body><a href="/ocop/">Trang chủ</a> <a href="https://example.org/">ngoài</a>\n'
        '<img src="/ocop/anh.webp" srcset="/ocop/anh.webp 1x, /ocop/anh-2x.webp 2x" alt="">\n'
        '<a href="mailto:a@example.vn">thư</a> <a href="#main">nội dung</a><main id="main"></main></body></html>\n',
        encoding="utf-8",
    )
    (site / "anh.webp").write_bytes(b"RIFF")
    problems = check_links(site, "https://vi-du.github.io/ocop/")
    found = sorted((p.line, p.field, p.message.split('"')[1]) for p in problems)
    assert found == [
        (1, "css url", "nen.png"),
        (2, "link href", "/assets/favicon.svg"),
        (4, "img srcset", "/ocop/anh-2x.webp"),
    ]
    outside = next(p for p in problems if p.field == "link href")
    assert "ngoài đường dẫn gốc /ocop/" in outside.message


def test_fragment_on_another_page_must_exist(tmp_path):
    site = tmp_path / "output"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text('<h2 id="gia">Giá</h2>', encoding="utf-8")
    (site / "index.html").write_text('<a href="a/#gia">ok</a>\n<a href="a/#khong">sai</a>', encoding="utf-8")
    problems = check_links(site, "http://127.0.0.1:8000/")
    assert [(p.line, p.message) for p in problems] == [
        (2, 'liên kết tới "a/#khong" nhưng trang đó không có phần tử nào có id="khong"')
    ]


def test_srcset_candidates_are_split_into_urls():
    assert srcset_urls("a.webp 480w, b.webp 960w,c.jpg,  d.jpg 2x") == ["a.webp", "b.webp", "c.jpg", "d.jpg"]
