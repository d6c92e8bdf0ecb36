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
