"""Incremental rebuilds give the same files, on disk and in memory, as a clean build."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT
from ocop.builder import render_site
from ocop.config import load_config
from ocop.errors import ContentErrors
from ocop.incremental import IncrementalBuilder
from ocop.output import read_tree


def sample_copy(tmp_path: Path):
    """(content, output, make_config): a copy of the sample content, built into tmp_path/output."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(ROOT / "content", content)

    def make_config():
        return load_config().with_overrides(content_dir=content, output_dir=output, cache_dir=tmp_path / "cache",
                                            today=dt.date(2026, 11, 28))

    return content, output, make_config


def file_times(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("told", [False, True], ids=["every-file-checked", "told-what-changed"])
def test_edits_deletes_and_renames_match_a_clean_build(tmp_path: Path, told: bool):
    """`told`: each build gets the files a watcher would have seen change (as `serve` gives them)."""
    content, output, make_config = sample_copy(tmp_path)
    old = time.time() - 60  # files saved a while ago: trusted unless the watcher names them
    for path in content.rglob("*"):
        os.utime(path, (old, old))
    builder = IncrementalBuilder(make_config)
    builder.build()
    products = content / "products"

    def edit(rel: str, old: str, new: str) -> None:
        path = content / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    steps = [
        lambda: edit("products/na-yen-son/index.md", "title: Na Yên Sơn", "title: Ắ Na Yên Sơn mới"),
        lambda: edit("products/na-yen-son/index.md", "Na Yên Sơn là", "Na **Yên Sơn** là"),
        lambda: edit("producers/htx-hoa-lac.md", "name: Hợp tác xã Hòa Lạc", "name: HTX Hòa Lạc"),
        lambda: edit("products/na-hoa-lac/index.md", "stars: 3", "stars: 5"),
        lambda: shutil.rmtree(products / "banh-gai-lang-lay"),
        lambda: (products / "mang-kho-tuan-son").rename(products / "mang-kho-dac-san"),
        lambda: edit("pages/du-lich-huu-lien.md", "title:", "title: Khám phá"),
        lambda: shutil.copytree(products / "na-cai-kinh", products / "na-cai-kinh-2") and
        edit("products/na-cai-kinh-2/index.md", "code: ", "code: X"),
        lambda: (products / "na-cai-kinh-2/cover.jpg").unlink() or edit("products/na-cai-kinh-2/index.md", "images: [cover.jpg]", "images: []"),
    ]
    for number, step in enumerate(steps, 1):
        before = file_times(content)
        step()
        after = file_times(content)
        seen = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
        changed = builder.build(seen if told else None)
        clean = render_site(make_config())
        assert builder.result.files == clean.files, f"step {number}"
        assert read_tree(output) == clean.files, f"step {number}"
        assert changed, f"step {number} changed nothing"
    assert builder.memo.pages.reused > 0  # the last step re-rendered only what depends on one product


def test_products_edited_in_place_match_a_clean_build(tmp_path: Path):
    """Edits that keep each product in its place in every list are read and built from the last build alone
    (ocop.content reads only the files the watcher names, ocop.site patches the last site); the others, and
    edits that move a product, are read in full. Both give the clean build's files."""
    content, output, make_config = sample_copy(tmp_path)
    old = time.time() - 60
    for path in content.rglob("*"):
        os.utime(path, (old, old))
    builder = IncrementalBuilder(make_config)
    builder.build()

    def edit(*changes: tuple[str, str, str]) -> None:
        for rel, before, after in changes:
            path = content / "products" / rel / "index.md"
            text = path.read_text(encoding="utf-8")
            assert before in text, (rel, before)
            path.write_text(text.replace(before, after, 1), encoding="utf-8")

    steps = [  # (the change, whether only the named files are read again, whether the same files are made)
        (lambda: edit(("na-yen-son", "Na Yên Sơn là", "Na Yên Sơn ngon là")), True, True),
        (lambda: edit(("na-yen-son", "price: 45000", "price: 47500")), True, True),
        (lambda: edit(("na-hoa-lac", 'alt: "Hình minh hoạ: hai', 'alt: "Ảnh: hai')), True, False),  # photos made again
        (lambda: edit(("na-hoa-lac", "price: 200000", "price: 210000"),
                      ("banh-chung-cam-hong-ly", "price: 70000", "price: 75000")), True, True),
        (lambda: edit(("na-cai-kinh", "featured: true", "featured: false")), True, True),  # moves it: the site is sorted again
        (lambda: edit(("mang-kho-tuan-son", "valid_until: 2026-12-15", "valid_until: 2026-12-20")), True, True),
        (lambda: edit(("na-yen-son", "code: HL-NA-YS-2025-0825", "code: HL-NA-YS-2025-0826")), False, False),
        (lambda: edit(("na-yen-son", "note: \"Giao sọt 10 kg", "note: \"Giao sọt 12 kg")), True, True),
        (lambda: edit(("na-hoa-lac", "draft: false", "draft: true")), True, False),
        (lambda: edit(("na-hoa-lac", "price: 210000", "price: 220000")), True, True),  # a draft: nothing shows it
        (lambda: edit(("na-hoa-lac", "draft: true", "draft: false")), True, False),
        (lambda: (content / "products/na-yen-son/index.md").touch(), True, True),  # saved unchanged
        (lambda: edit(("na-yen-son", "Na Yên Sơn ngon là", "Na Yên Sơn rất ngon là"))  # an editor's own files
         or (content / "products/na-yen-son/.index.md.swp").write_bytes(b"swap")
         or (content / "products/.goutputstream-X1").write_bytes(b"temp")
         or (content / "products/ghi-chu.txt").write_text("ghi chú", encoding="utf-8"), True, True),
        (lambda: (content / "products/na-yen-son/.index.md.swp").unlink(), True, True),
        (lambda: (content / "products/na-hoa-lac/cover.jpg").touch(), False, True),  # a photo a product names
    ]
    for number, (step, in_place, same_files) in enumerate(steps, 1):
        before = file_times(content)
        step()
        after = file_times(content)
        builder.build({path for path in before.keys() | after.keys() if before.get(path) != after.get(path)})
        assert (builder.memo.content.edits is not None) == in_place, f"step {number}"
        # the same files as before: the build names those that may have changed instead of comparing them all
        assert (builder.result.changed is not None) == same_files, f"step {number}"
        clean = render_site(make_config())
        assert builder.result.files == clean.files, f"step {number}"
        assert read_tree(output) == clean.files, f"step {number}"


def test_a_broken_file_keeps_the_last_good_output(tmp_path: Path):
    content, output, make_config = sample_copy(tmp_path)
    builder = IncrementalBuilder(make_config)
    builder.build()
    good = read_tree(output)
    path = content / "products/na-yen-son/index.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 3], encoding="utf-8")  # half-written by an editor
    with pytest.raises(ContentErrors):
        builder.build()
    assert read_tree(output) == good
    path.write_text(text.replace("Na Yên Sơn là", "Na Yên Sơn (đã sửa) là"), encoding="utf-8")
    builder.build()
    assert read_tree(output) == render_site(make_config()).files
