"""Lighthouse scores of the sample site: python bench/lighthouse.py [--pages "" san-pham/na-cai-kinh/ ...]

Builds content/ into a temporary folder, serves it on 127.0.0.1 under the site's base path, and runs
npm lighthouse (node_modules, `npm ci`) with Debian's chromium on the mobile profile (the default) for the
home page and a product page in both languages; prints the median (of --runs) of performance, accessibility, best practices and SEO.
Scores on a local server say nothing about network latency; they catch weight, markup and a11y regressions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import browser_support  # noqa: E402
from browser_support import chromium_path, static_server  # noqa: E402
from ocop.cli import main as build_main  # noqa: E402
from ocop.config import load_config  # noqa: E402

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
         "--disable-component-update --disable-sync --no-first-run --disable-quic --disable-extensions")
PAGES = ["", "san-pham/na-cai-kinh/", "en/", "en/san-pham/na-cai-kinh/"]


def lighthouse(url: str) -> dict[str, int]:
    """The four category scores (0-100) of one URL."""
    cmd = ["npx", "--no-install", "lighthouse", url, "--output=json", "--output-path=stdout", "--quiet",
           f"--chrome-flags={FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CHROME_PATH": chromium_path()})
    if proc.returncode != 0:
        raise SystemExit(f"lighthouse failed for {url}:\n{proc.stderr[-2000:]}")
    report = json.loads(proc.stdout)
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    failed = [audit["title"] for audit in report["audits"].values()
              if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"]
    if failed:
        print(f"  {url}: audits below 0.9: {'; '.join(failed)}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="*", default=PAGES, help="page paths below the base path")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median score is printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        if build_main(["build", "--output", str(out)]) != 0:
            raise SystemExit("the sample site did not build")
        base = static_server(out, load_config(None).base_path)
        browser_support._servers[-1].handle_error = lambda *_: None  # Lighthouse drops connections: not our error
        print(f"{'page':32} " + " ".join(f"{c:>14}" for c in CATEGORIES))
        for path in args.pages:
            runs = [lighthouse(base + path) for _ in range(args.runs)]
            scores = {c: statistics.median(r[c] for r in runs) for c in CATEGORIES}
            print(f"{'/' + path:32} " + " ".join(f"{scores[c]:>14g}" for c in CATEGORIES))


if __name__ == "__main__":
    main()
