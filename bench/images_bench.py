"""Benchmark: process N generated 12-megapixel phone photos (4000×3000 JPEG), cold cache then warm cache.

Run: python bench/images_bench.py [--count 100] [--workdir DIR]. Prints seconds; no pass/fail.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import PIL  # noqa: E402
from PIL import Image  # noqa: E402

from ocop import images  # noqa: E402


def photo(index: int) -> bytes:
    """A deterministic 4000×3000 JPEG with smooth colour areas like a photo; every third one stored sideways."""
    rng = random.Random(index)
    small = Image.new("RGB", (40, 30))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(40 * 30)])
    img = small.resize((4000, 3000), Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x0112] = 6 if index % 3 == 0 else 1
    exif.get_ifd(0x8825).update({1: "N", 2: (21.0, 37.0, float(index)), 3: "E", 4: (106.0, 20.0, 0.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def cpu_seconds() -> float:
    """CPU time of this process and of its finished worker processes."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--workdir", type=Path, help="where the photos are kept between runs (default: a temp folder)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="images-bench-"))
    photos = work / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    datas, paths = [], []
    for i in range(args.count):
        path = photos / f"{i:03d}.jpg"
        if not path.exists():
            path.write_bytes(photo(i))
        datas.append(path.read_bytes())
        paths.append(path)
    made = time.perf_counter() - started
    total_mb = sum(len(d) for d in datas) / 1e6
    print(f"{args.count} photos 4000×3000 ({total_mb:.0f} MB) ready in {made:.1f} s; "
          f"{os.cpu_count()} cores; Pillow {PIL.__version__}; load average {os.getloadavg()[0]:.1f}")

    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    jobs = [(path, True) for path in paths]  # each as the first photo of a product: widths + share image
    for label in ("cold (empty cache)", "cached (second build)"):
        images.STATS.reset()
        cpu_before = cpu_seconds()
        started = time.perf_counter()
        results = images.process_all(jobs, cache)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_before
        published = sum(getattr(b, "length", None) or len(b) for _, r in results for b in r.files.values()) / 1e6
        print(f"{label:24} {seconds:7.2f} s wall  {cpu:7.2f} s CPU ({cpu / args.count * 1000:6.0f} ms CPU/photo)  "
              f"processed {images.STATS.processed:3}, from cache {images.STATS.cached:3}, published {published:.1f} MB")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
