"""Builds that keep what they can (ocop.state) give the same bytes as a clean build, after every kind of change.

Two ways of building are checked after each step, each against a clean build without cache:
- `build`: a new process's build, which loads the build state from the cache folder;
- `serve`: one builder kept in memory between rebuilds, as the preview server does.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import ROOT
from ocop import exports, search
from ocop.builder import Builder
from ocop.config import load_config
from ocop.output import read_tree
from ocop.stamp import state_path

TODAY = dt.date(2026, 11, 28)


def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's inputs (content, templates, assets, data, settings) to edit freely."""
    root = tmp_path / "project"
    for name in ("content", "templates", "assets", "data"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    return root


def config_for(root: Path, output: Path, cache: Path | None):
    return load_config(root / "site.toml", root=root).with_overrides(
        content_dir=root / "content", output_dir=output, cache_dir=cache or root / "unused-cache",
        use_cache=cache is not None, today=TODAY)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_kind_of_change_builds_the_bytes_of_a_clean_build(tmp_path: Path):
    root = project_copy(tmp_path)
    content, products = root / "content", root / "content" / "products"
    served = Builder()  # `serve`: the state stays in memory

    def build_both(step: str) -> tuple[dict[str, bytes], list]:
        reports = []
        for way in ("build", "serve"):
            config = config_for(root, tmp_path / way, tmp_path / f"cache-{way}")
            reports.append(Builder().build(config) if way == "build" else served.build(config, save=False))
        clean_dir = tmp_path / "clean"
        shutil.rmtree(clean_dir, ignore_errors=True)
        Builder().build(config_for(root, clean_dir, None))
        clean = read_tree(clean_dir)
        for way in ("build", "serve"):
            assert read_tree(tmp_path / way) == clean, f"{step}: {way} differs from a clean build"
        return clean, reports

    clean, _ = build_both("first build")
    pages = sum(1 for path in clean if path.endswith(".html"))

    _, reports = build_both("nothing changed")
    assert all(r.rendered == 0 and r.changed == [] for r in reports)

    steps = [
        ("product text", lambda: edit(products / "na-yen-son/index.md", "Na Yên Sơn là", "Na **Yên Sơn** là")),
        ("price", lambda: edit(products / "na-hoa-lac/index.md", "price: ", "price: 1")),
        ("photo", lambda: shutil.copy(products / "na-cai-kinh/cover.jpg", products / "na-hoa-lac/cover.jpg")),
        ("title (moves in every list)", lambda: edit(products / "na-yen-son/index.md", "title: Na Yên Sơn", "title: Ắ Na Yên Sơn")),
        ("rename", lambda: (products / "mang-kho-tuan-son").rename(products / "mang-kho-dac-san")),
        ("delete", lambda: shutil.rmtree(products / "banh-gai-lang-lay")),
        ("added product", lambda: shutil.copytree(products / "na-cai-kinh", products / "na-cai-kinh-2") and
         edit(products / "na-cai-kinh-2/index.md", "code: ", "code: X")),
        ("producer", lambda: edit(content / "producers/htx-hoa-lac.md", "name: Hợp tác xã Hòa Lạc", "name: HTX Hòa Lạc")),
        ("data file", lambda: edit(root / "data/i18n/vi.yaml", "all_products: ", "all_products: Xem ")),
        ("site.toml", lambda: edit(root / "site.toml", "title = ", "title = \"Đặc sản\" #")),
        ("template", lambda: edit(root / "templates/product.html", "<article class=\"product\">", "<article class=\"product\" data-v=\"2\">")),
        # The case an identity-keyed cache got wrong: a card starts to print a site-wide count, then a product is added.
        ("card reads a site field", lambda: edit(root / "templates/partials/macros.html", '<li class="card">',
                                                 '<li class="card" data-count="{{ site.counts.products }}">')),
        ("product added after it", lambda: shutil.copytree(products / "na-yen-son", products / "na-yen-son-2") and
         edit(products / "na-yen-son-2/index.md", "code: ", "code: Y")),
    ]
    for step, change in steps:
        change()
        clean, reports = build_both(step)
        assert all(r.changed for r in reports), f"{step}: nothing written"
        if step in ("product text", "price"):  # one product: only the pages that show it
            assert all(0 < r.rendered < pages / 3 for r in reports), (step, [r.rendered for r in reports])
    assert 'data-count="14"' in clean["san-pham/index.html"].decode()  # 13 sample products, one removed, two added


def test_a_preview_stopped_before_it_saved_its_state_leaves_a_build_that_starts_afresh(tmp_path: Path):
    """`serve` keeps the state of its rebuilds in memory until it is idle (Builder.save): a rebuild that changes
    the output first removes the saved state, so a process stopped before saving never leaves a stale one."""
    root = project_copy(tmp_path)
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    served = Builder()
    served.build(config, save=False)
    served.save()
    assert Builder().build(config).rendered == 0  # saved: the next build trusts it
    edit(root / "content/products/na-hoa-lac/index.md", "price: ", "price: 1")
    assert served.build(config, save=False).rendered > 0  # then the preview stops without saving
    report = Builder().build(config)
    assert report.rendered == report.pages  # no state: everything is made again
    clean_dir = tmp_path / "clean"
    Builder().build(config_for(root, clean_dir, None))
    assert read_tree(tmp_path / "out") == read_tree(clean_dir)

    edit(root / "content/products/na-hoa-lac/index.md", "price: 1", "price: 2")
    served = Builder()
    served.build(config, save=False)
    served.save()
    assert 0 == Builder().build(config).rendered  # what serve saved describes the output


def test_a_corrupt_or_foreign_build_state_rebuilds_everything(tmp_path: Path):
    root = project_copy(tmp_path)
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    Builder().build(config)
    expected = read_tree(tmp_path / "out")
    path = state_path(config.cache_dir, config.output_dir.resolve())
    edit(root / "content/products/na-hoa-lac/index.md", "price: ", "price: 1")
    path.write_bytes(b"not a build state")
    report = Builder().build(config)
    assert report.rendered == report.pages
    clean_dir = tmp_path / "clean"
    Builder().build(config_for(root, clean_dir, None))
    assert read_tree(tmp_path / "out") == read_tree(clean_dir) != expected

    # Another output folder swapped in by hand: the state no longer describes it, so everything is made again.
    shutil.rmtree(tmp_path / "out")
    shutil.copytree(clean_dir, tmp_path / "out")
    (tmp_path / "out/index.html").write_bytes(b"changed by hand")
    report = Builder().build(config)
    assert report.rendered == report.pages
    assert read_tree(tmp_path / "out") == read_tree(clean_dir)


def test_an_output_folder_restored_from_a_cache_is_trusted(tmp_path: Path):
    """As the publishing workflow restores .cache/ and output/ (actions/cache): a new folder, the same files."""
    root = project_copy(tmp_path)
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    Builder().build(config)
    shutil.copytree(tmp_path / "out", tmp_path / "restored")
    shutil.rmtree(tmp_path / "out")
    (tmp_path / "restored").rename(tmp_path / "out")
    edit(root / "content/products/na-hoa-lac/index.md", "price: ", "price: 1")
    report = Builder().build(config)
    assert 0 < report.rendered < report.pages / 3
    clean_dir = tmp_path / "clean"
    Builder().build(config_for(root, clean_dir, None))
    assert read_tree(tmp_path / "out") == read_tree(clean_dir)


QUICK = """
import sys
sys.path.insert(0, {root!r})
from ocop.cli import main
code = main(sys.argv[1:])
print("engine loaded:", "jinja2" in sys.modules, "yaml" in sys.modules)
sys.exit(code)
"""


def cli_build(content: Path, out: Path, cache: Path, *extra: str) -> str:
    """`build.py build` in a new process, as a user runs it: its standard output."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", QUICK.format(root=str(ROOT)), "build", "--content", str(content),
                           "--output", str(out), "--cache", str(cache), "--today", str(TODAY), *extra],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_build_with_nothing_changed_stops_before_loading_the_engine(tmp_path: Path):
    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    first = cli_build(content, out, cache)
    assert "Đã tạo" in first
    again = cli_build(content, out, cache, "--jobs", "1")  # the number of workers changes no byte
    assert "Không có gì thay đổi" in again and "engine loaded: False False" in again
    pages = int(first.split("Đã tạo ")[1].split()[0])
    assert f"{pages} trang" in again

    product = sorted((content / "products").glob("*/index.md"))[0]
    edit(product, "\n---\n", "\n---\nMột câu mới cho lần dựng nhanh.\n\n")
    changed = cli_build(content, out, cache)
    assert "dựng lại" in changed and "engine loaded: True" in changed
    clean = tmp_path / "clean"
    Builder().build(load_config().with_overrides(content_dir=content, output_dir=clean, use_cache=False, today=TODAY))
    assert read_tree(out) == read_tree(clean)

    shutil.rmtree(out)  # the output folder is gone: the stamp no longer describes it
    assert "Đã tạo" in cli_build(content, out, cache)


def test_an_edit_in_the_same_clock_tick_as_the_last_build_is_not_missed(tmp_path: Path):
    """A file changed just before a build is never trusted by its size and time alone (as git treats racy files)."""
    import os

    content, out, cache = tmp_path / "content", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(ROOT / "content", content)
    product = sorted((content / "products").glob("*/index.md"))[0]
    edit(product, "\n---\n", "\n---\nBản A.\n\n")
    before = product.stat()
    cli_build(content, out, cache)
    edit(product, "Bản A.", "Bản B.")  # the same size; the clock may not have ticked: give it the same mtime
    os.utime(product, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "dựng lại" in cli_build(content, out, cache)
    page = out / "san-pham" / product.parent.name / "index.html"
    assert "Bản B." in page.read_text(encoding="utf-8")


def test_a_story_edit_renders_only_the_pages_that_show_the_story(tmp_path: Path):
    """A product's description is on its own pages; its cards, labels and listings read only its other fields."""
    root = project_copy(tmp_path)
    product = sorted((root / "content" / "products").glob("*/index.md"))[0]
    builder = Builder()
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    builder.build(config)
    edit(product, "\n---\n", "\n---\nMột câu mới trong phần giới thiệu.\n\n")
    report = builder.build(config)
    slug = product.parent.name
    pages = {path for path in report.changed if path.endswith(".html")}
    assert f"san-pham/{slug}/index.html" in pages and f"en/san-pham/{slug}/index.html" in pages
    assert not any(path.startswith(("in-nhan/", "nhom/", "xa/", "sao/")) for path in pages), pages
    assert report.rendered <= 6, report.rendered  # its page, its kiosk page, in two languages
    clean = tmp_path / "clean"
    Builder().build(config_for(root, clean, None))
    assert read_tree(tmp_path / "out") == read_tree(clean)


def test_a_kept_record_is_checked_again_when_its_producer_goes(tmp_path: Path):
    """Validated records are kept by what they were checked against: removing a product's producer is an
    error for the product, in `serve` (records in memory) and in `build` (records in the content cache)."""
    import pytest

    from ocop.errors import ContentErrors

    root = project_copy(tmp_path)
    producer = root / "content" / "producers" / "cong-ty-nong-san-tuan-son.md"
    served = Builder()
    for way in ("serve", "build"):
        config = config_for(root, tmp_path / way, tmp_path / f"cache-{way}")
        (served if way == "serve" else Builder()).build(config)
    saved = producer.read_text(encoding="utf-8")
    producer.unlink()
    for way in ("serve", "build"):
        config = config_for(root, tmp_path / way, tmp_path / f"cache-{way}")
        with pytest.raises(ContentErrors) as caught:
            (served if way == "serve" else Builder()).build(config)
        text = "\n".join(str(p) for p in caught.value.problems)
        assert "mang-kho-tuan-son/index.md" in text and "cong-ty-nong-san-tuan-son" in text, text
    producer.write_text(saved, encoding="utf-8")
    served.build(config_for(root, tmp_path / "serve", tmp_path / "cache-serve"))


def test_a_file_saved_again_while_a_build_reads_it_is_not_kept_under_its_earlier_bytes(tmp_path: Path, monkeypatch):
    """The content cache keys a record by the digest of the file's bytes. An editor that saves again between
    the build's hashing and its reading (a second save, an autosave) must not leave the newer text cached
    under the older bytes: a later build of those older bytes (an undo) shows them, not the newer text."""
    from ocop.cache import BuildCache

    root = project_copy(tmp_path)
    product = sorted((root / "content" / "products").glob("*/index.md"))[0]
    page = tmp_path / "out" / "san-pham" / product.parent.name / "index.html"
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    Builder().build(config)
    edit(product, "\n---\n", "\n---\nBản B.\n\n")
    saved_b = product.read_bytes()
    prepare = BuildCache.prepare

    def prepare_then_save_again(self, content_dir, unchanged=frozenset()):
        prepare(self, content_dir, unchanged)  # B hashed; the files are read as the records are made
        edit(product, "Bản B.", "Bản C.")

    monkeypatch.setattr(BuildCache, "prepare", prepare_then_save_again)
    Builder().build(config)
    assert "Bản C." in page.read_text(encoding="utf-8")  # what the build read
    monkeypatch.setattr(BuildCache, "prepare", prepare)
    product.write_bytes(saved_b)  # undo: B again
    Builder().build(config)
    text = page.read_text(encoding="utf-8")
    assert "Bản B." in text and "Bản C." not in text


def test_a_new_build_takes_the_unchanged_products_search_words_and_open_data_from_the_cache(tmp_path: Path,
                                                                                          monkeypatch):
    """Each product's search words and open-data rows are kept with its record in the content cache, and so
    are the search postings: after one story edit, the next one-shot build (a new builder, nothing of the last
    one in memory) makes them for the edited product alone, encodes no word's product list again (the edit
    changes no word), and its output is the bytes of a clean build."""
    root = project_copy(tmp_path)
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    Builder(keep_content=False).build(config)
    edit(root / "content/products/na-yen-son/index.md", "Na Yên Sơn là", "Na **Yên Sơn** là")
    made: list[tuple[str, str]] = []
    words_piece, json_item = search._words_piece, exports._json_item
    monkeypatch.setattr(search, "_words_piece", lambda language, product: (
        made.append((language.lang, product.slug)), words_piece(language, product))[1])
    monkeypatch.setattr(exports, "_json_item", lambda product: (made.append(("json", product.slug)), json_item(product))[1])
    encoded: list[int] = []
    postings = search._postings
    monkeypatch.setattr(search, "_postings", lambda ids, total: (encoded.append(total), postings(ids, total))[1])
    report = Builder(keep_content=False).build(config)
    assert report.rendered > 0
    assert sorted(made) == [("en", "na-yen-son"), ("json", "na-yen-son"), ("vi", "na-yen-son")]
    assert encoded == []
    Builder().build(config_for(root, tmp_path / "clean", None))
    assert read_tree(tmp_path / "out") == read_tree(tmp_path / "clean")


def test_the_content_cache_rewrites_only_the_shards_an_edit_touched_and_survives_a_broken_one(tmp_path: Path):
    """The content cache keeps its records in shards (ocop.cache.SHARDS): a one-product edit writes the shard of
    that product again and leaves the others as they were; a shard that cannot be read makes the next build
    read every file again, and the output is still the bytes of a clean build."""
    root = project_copy(tmp_path)
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    Builder(keep_content=False).build(config)
    [folder] = (tmp_path / "cache").glob("content-*")
    before = {p.name: p.read_bytes() for p in folder.glob("r*.pickle")}
    assert len(before) > 5
    edit(root / "content/products/na-yen-son/index.md", "Na Yên Sơn là", "Na **Yên Sơn** là")
    Builder(keep_content=False).build(config)
    after = {p.name: p.read_bytes() for p in folder.glob("r*.pickle")}
    kept = before.keys() & after.keys()
    # the edited product's record has a new key: the shard it leaves and the one it joins are written again
    assert 1 <= len(after.keys() - kept) <= 2 and len(before.keys() - kept) <= 2 and len(kept) >= len(before) - 2
    assert all(before[name] == after[name] for name in kept)

    next(iter(sorted(folder.glob("r*.pickle")))).write_bytes(b"broken")
    edit(root / "content/products/na-yen-son/index.md", "Na **Yên Sơn** là", "Na Yên Sơn là")
    Builder(keep_content=False).build(config)
    Builder().build(config_for(root, tmp_path / "clean", None))
    assert read_tree(tmp_path / "out") == read_tree(tmp_path / "clean")
    assert all(p.read_bytes() != b"broken" for p in folder.glob("r*.pickle"))


def test_a_template_error_names_the_file_and_line_where_it_is_and_keeps_the_output(tmp_path: Path):
    """A mistake inside a macro is reported at the macro's own file and line (not the page's template), and the
    last good output stays as it was."""
    import pytest

    from ocop.errors import SiteError

    root = project_copy(tmp_path)
    config = config_for(root, tmp_path / "out", tmp_path / "cache")
    Builder().build(config)
    before = read_tree(tmp_path / "out")
    macros = root / "templates/partials/macros.html"
    lines = macros.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if '<li class="card">' in line)
    edit(macros, '<li class="card">', '<li class="card">{{ missing_field.name }}')
    with pytest.raises(SiteError) as raised:
        Builder().build(config)
    message = str(raised.value)
    assert message.startswith(f"templates/partials/macros.html:{number}: khi tạo "), message
    assert "missing_field" in message
    assert read_tree(tmp_path / "out") == before
