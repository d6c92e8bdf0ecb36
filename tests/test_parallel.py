"""Worker processes and the build cache change nothing: a generated catalog builds to the same bytes
serially without cache, in parallel with a cold cache, with a warm cache, and after an edit."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, tree_digest
from ocop.parallel import worker_count

PRODUCTS = 200  # with their producers, enough files and pages for ocop.parallel to use workers


def test_parallel_and_cached_builds_give_the_same_bytes(tmp_path, build):
    content = tmp_path / "content"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--products", str(PRODUCTS),
                    "--out", str(content)], check=True, stdout=subprocess.DEVNULL)
    assert worker_count(PRODUCTS, 2) == 2  # so the parallel builds below really fork workers
    cache = tmp_path / "cache"

    serial = tmp_path / "serial"
    assert build(content, "--jobs", "1", "--no-cache", output=serial)[0] == 0
    assert not cache.exists()
    expected = tree_digest(serial)
    assert len(list(serial.rglob("*.html"))) > 2 * PRODUCTS

    cold = tmp_path / "cold"
    assert build(content, "--jobs", "2", "--cache", str(cache), output=cold)[0] == 0
    assert tree_digest(cold) == expected
    assert list(cache.glob("content-*/head.pickle")) and list((cache / "state").glob("*.pickle"))

    warm = tmp_path / "warm"
    assert build(content, "--jobs", "2", "--cache", str(cache), output=warm)[0] == 0
    assert tree_digest(warm) == expected

    # An edited product misses the cache; the rest comes from it.
    product = sorted((content / "products").glob("*.md"))[PRODUCTS // 2]
    product.write_text(product.read_text(encoding="utf-8").replace("\n---\n", "\n---\nMật ong mới.\n\n", 1), encoding="utf-8")
    edited = tmp_path / "edited"
    assert build(content, "--jobs", "2", "--cache", str(cache), output=edited)[0] == 0
    fresh = tmp_path / "fresh"
    assert build(content, "--jobs", "1", "--no-cache", output=fresh)[0] == 0
    assert tree_digest(edited) == tree_digest(fresh) != expected
    page = (edited / "san-pham" / product.stem / "index.html").read_text(encoding="utf-8")
    assert "Mật ong mới." in page
