"""`serve` in a real process: edits show up over HTTP, errors show an overlay, the server survives."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT, TODAY
from ocop.builder import Builder
from ocop.config import load_config
from ocop.serve import OVERLAY_ID, preview_base_url
from ocop.stamp import state_path

PAGE = "/ocop-huu-lung/san-pham/na-yen-son/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.geturl(), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.url, exc.read().decode("utf-8", "replace")


def wait_for(proc: subprocess.Popen, port: int, test, seconds: float) -> str:
    """Fetch the page until `test(html)` holds; the server must stay alive meanwhile."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server stopped"
        try:
            status, _, last = fetch(port, PAGE)
            if status == 200 and test(last):
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"not seen within {seconds} s; last page: {last[:2000]}")


def test_serve_rebuilds_shows_errors_and_recovers(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    output = tmp_path / "preview"
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--port", str(port), "--content", str(content), "--output", str(output),
         "--today", TODAY],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: list[str] = []  # what the server printed, line by line
    threading.Thread(target=lambda: said.extend(iter(proc.stdout.readline, "")), daemon=True).start()

    def rebuilds() -> int:
        return sum(1 for line in list(said) if line.startswith(("Đã dựng lại", "Có ")))

    try:
        first = wait_for(proc, port, lambda html: "Na Yên Sơn" in html, 600)
        assert OVERLAY_ID not in first
        assert "livereload.js" in first  # injected while serving ...
        assert "livereload" not in (output / "san-pham/na-yen-son/index.html").read_text(encoding="utf-8")  # ... not on disk
        status, url, _ = fetch(port, "/")
        assert status == 200 and url.endswith("/ocop-huu-lung/")
        status, _, body = fetch(port, "/assets/style.css")  # outside the base path: 404, as on GitHub Pages
        assert status == 404 and "/ocop-huu-lung/" in body
        assert fetch(port, "/ocop-huu-lung/assets/style.css")[0] == 200

        path = content / "products/na-yen-son/index.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("title: Na Yên Sơn", "title: Na Yên Sơn đặc biệt"), encoding="utf-8")
        wait_for(proc, port, lambda html: "Na Yên Sơn đặc biệt" in html, 300)

        time.sleep(1)  # nothing left to rebuild
        before = rebuilds()
        for price in range(46000, 46005):  # a burst of saves, as an editor writing in steps: one rebuild
            path.write_text(text.replace("title: Na Yên Sơn", "title: Na Yên Sơn đặc biệt").replace("45000", str(price)),
                            encoding="utf-8")
        wait_for(proc, port, lambda html: "46.004" in html, 300)
        time.sleep(1)
        assert rebuilds() == before + 1, said[-5:]

        path.write_text(text.replace("stars: 3", "stars: bảy"), encoding="utf-8")
        broken = wait_for(proc, port, lambda html: OVERLAY_ID in html, 300)
        assert "content/products/na-yen-son/index.md:4" in broken and "stars" in broken
        assert "Na Yên Sơn đặc biệt" in broken  # the last good page stays under the overlay
        assert OVERLAY_ID not in (output / "san-pham/na-yen-son/index.html").read_text(encoding="utf-8")

        before = rebuilds()
        path.write_text(text.replace("title: Na Yên Sơn", "title: Na Yên Sơn đã sửa"), encoding="utf-8")
        wait_for(proc, port, lambda html: "Na Yên Sơn đã sửa" in html, 300)
        # The new page is in place a moment before the build ends and clears the errors (the browser is told
        # to reload only then): look once the server has said the build is done.
        deadline = time.monotonic() + 60
        while rebuilds() == before:
            assert time.monotonic() < deadline, said[-5:]
            time.sleep(0.05)
        fixed = fetch(port, PAGE)[2]
        assert "Na Yên Sơn đã sửa" in fixed and OVERLAY_ID not in fixed
        assert proc.poll() is None

        # Once the preview is idle it saves the state of its last rebuild: a `build` then has nothing to do.
        config = load_config(root=ROOT)
        config = config.with_overrides(content_dir=content, output_dir=output, today=dt.date.fromisoformat(TODAY),
                                       base_url=preview_base_url("127.0.0.1", port, None, config.base_url))
        saved = state_path(config.cache_dir, output.resolve())
        deadline = time.monotonic() + 60
        while not saved.exists():
            assert time.monotonic() < deadline, "the preview never saved its build state"
            time.sleep(0.1)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    report = Builder().build(config)
    assert report.rendered == 0 and report.changed == []


def test_watcher_falls_back_to_walking_the_files_when_the_system_cannot_watch(tmp_path: Path, monkeypatch):
    """Where the operating system refuses to watch (its limit of watches reached), saves are still seen."""
    import asyncio
    import os

    from tornado.ioloop import IOLoop

    from ocop import watch as serve_module

    class Refusing:
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(serve_module, "Observer", Refusing)
    page = tmp_path / "trang.md"
    page.write_text("một", encoding="utf-8")
    calls: list[int] = []
    watcher = serve_module.EventWatcher()
    watcher.watch(str(tmp_path), lambda: calls.append(1))
    started: list[bool] = []
    loops: list[IOLoop] = []

    def main() -> None:  # an IOLoop in a thread of its own: the test process may already run an event loop
        asyncio.set_event_loop(asyncio.new_event_loop())
        loops.append(IOLoop.current())
        started.append(watcher.start(watcher.examine))
        loops[0].start()
        loops[0].close()

    thread = threading.Thread(target=main)
    thread.start()
    try:
        time.sleep(0.8)  # the first walk sees every file
        assert started == [True]
        assert str(page) in watcher.take_changed()
        calls.clear()
        page.write_text("hai", encoding="utf-8")
        later = time.time() + 5
        os.utime(page, (later, later))
        time.sleep(0.8)
        assert calls and watcher.take_changed() == {str(page)}
    finally:
        loops[0].add_callback(loops[0].stop)
        thread.join()
