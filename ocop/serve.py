"""`serve`: build, preview under the site's base path, rebuild on save, reload the browser.

Built on livereload's Server (tornado). What livereload does not do well is replaced:
- its watcher polls every 800 ms, reports one changed file per poll and asks browsers to reload at once,
  before any rebuild; ours (EventWatcher) hears of each change from the operating system as it happens
  (watchdog: inotify, FSEvents, ReadDirectoryChangesW), notes every changed path for the rebuild, only
  calls `Preview.changed`, and never asks livereload to reload by itself; where the system cannot watch,
  it falls back to walking every file each POLL_MS (QuietWatcher);
- `Preview.changed` only records the time; one worker thread rebuilds after QUIET seconds without
  a new change (a burst of saves gives one rebuild), under a lock, then tells the browsers to reload;
- pages are served by PageHandler, which adds the error overlay to the HTML it sends while errors
  exist. Files on disk stay the last good build; livereload's own transform adds its script to the
  served HTML only, so no preview code ever lands in output files.
"""

from __future__ import annotations

import gc
import html
import mimetypes
import socket
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado import web
from tornado.ioloop import IOLoop

from .errors import ContentErrors, Problem, SiteError
from .builder import Builder
from .config import Config
from .watch import EventWatcher, QuietWatcher

mimetypes.add_type("application/yaml", ".yml")  # /admin/config.yml (ocop.admin)

IDLE = 1.0  # seconds without a change before the build state of the last rebuild is saved
QUIET = 0.05  # seconds without a new change before a rebuild (editors save in several steps within a few ms)
OVERLAY_ID = "ocop-loi-xem-truoc"


def overlay_html(problems: list[Problem]) -> str:
    """The error box shown on top of every preview page: file, line, field and message of each error."""
    items = "".join(
        f'<li style="margin:.4em 0"><code style="font-weight:bold">{html.escape(p.path)}'
        f'{":" + str(p.line) if p.line else ""}</code>'
        f'{" · <code>" + html.escape(p.field) + "</code>" if p.field else ""}: {html.escape(p.message)}</li>'
        for p in problems)
    return (f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:2147483647;'
            'max-height:70vh;overflow:auto;background:#fff4f4;color:#5c0000;border-bottom:4px solid #b00020;'
            'padding:1em 1.5em;font:16px/1.5 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3)">'
            f'<p style="margin:0;font-weight:bold;font-size:1.15em">Nội dung có {len(problems)} lỗi — trang bên dưới '
            'là bản tốt gần nhất. Sửa rồi lưu tệp, trang sẽ tự tải lại.</p>'
            f'<ul style="margin:.5em 0 0;padding-left:1.2em">{items}</ul></div>')


def add_overlay(page: bytes, problems: list[Problem]) -> bytes:
    """The page with the overlay right after its <body> tag (or a bare page holding only the overlay)."""
    box = overlay_html(problems).encode("utf-8")
    start = page.find(b"<body")
    end = page.find(b">", start) if start >= 0 else -1
    if end < 0:
        return (b'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>L\xe1\xbb\x97i n\xe1\xbb\x99i dung'
                b'</title></head><body>' + box + page + b"</body></html>")
    return page[:end + 1] + box + page[end + 1:]


class Preview:
    """The preview's state: the builder, the current errors, and the debounced rebuild worker."""

    def __init__(self, make_config: Callable[[], Config], output_dir: Path, quiet: float = QUIET,
                 watcher: QuietWatcher | None = None):
        self.make_config = make_config
        self.builder = Builder()  # keeps the build state in memory between rebuilds
        self.watcher = watcher
        self.output_dir = output_dir
        self.quiet = quiet
        self.problems: list[Problem] = []
        self.loop: IOLoop | None = None
        self._lock = threading.Lock()
        self._wake = threading.Condition()
        self._due: float | None = None

    def rebuild(self) -> bool:
        """One build under the lock; errors are kept for the overlay. Return whether anything visible changed."""
        with self._lock:
            before = list(self.problems)
            started = time.perf_counter()
            if self.watcher is not None:
                self.watcher.take_changed()  # every input is looked at again by the build itself
            gc.disable()  # a rebuild makes many objects: the collector waits until the pages are out (run_worker)
            try:
                changed = self.builder.build(self.make_config(), save=False).changed
                self.problems = []
            except ContentErrors as exc:
                changed, self.problems = [], [p for p in exc.problems if p.is_error]
            except SiteError as exc:
                changed, self.problems = [], [Problem("", 0, "", str(exc))]
            except Exception as exc:  # a half-written file must never stop the preview
                traceback.print_exc()
                changed, self.problems = [], [Problem("", 0, "", f"lỗi bất ngờ của chương trình: {exc!r}")]
            finally:
                gc.enable()
            took = (time.perf_counter() - started) * 1000
            if self.problems:
                print(f"Có {len(self.problems)} lỗi (trang xem trước hiện khung báo lỗi):", flush=True)
                for problem in self.problems:
                    print(f"  {problem}", flush=True)
            else:
                print(f"Đã dựng lại trong {took:.0f} ms: {len(changed)} tệp thay đổi.", flush=True)
            return bool(changed) or self.problems != before

    def changed(self) -> None:
        """Watcher callback: only note the time; the worker rebuilds once things are quiet."""
        self.loop = self.loop or IOLoop.current()
        with self._wake:
            self._due = time.monotonic() + self.quiet
            self._wake.notify()

    def save(self) -> None:
        """Save the build state of the last rebuild (it is kept in memory while saves come quickly)."""
        with self._lock:
            self.builder.save()

    def run_worker(self) -> None:
        """Wait for a change, wait until QUIET seconds pass without another, rebuild, reload browsers; save
        the build state once nothing has changed for IDLE seconds (a page is shown before it is saved)."""
        while True:
            with self._wake:
                while self._due is None:
                    if not self._wake.wait(IDLE if self.builder.unsaved else None) and self._due is None:
                        break  # quiet for IDLE seconds since the last rebuild
                if self._due is not None:
                    while (left := self._due - time.monotonic()) > 0:
                        self._wake.wait(left)
                    self._due = None
                    due = True
                else:
                    due = False
            if not due:
                self.save()
                continue
            if self.rebuild() and self.loop is not None:
                self.loop.add_callback(LiveReloadHandler.reload_waiters, "*")
            gc.collect()  # what the rebuild left, while the browser loads the new page


class PageHandler(web.RequestHandler):
    """Serves the output folder under the base path; HTML gets the error overlay while errors exist."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def _send(self, data: bytes, path: str, status: int = 200) -> None:
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        problems = list(self.preview.problems)
        if kind == "text/html" and problems:
            data = add_overlay(data, problems)
        self.set_status(status)
        self.set_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith(("javascript", "json", "xml")) else ""))
        self.set_header("Cache-Control", "no-store")
        self.write(data)

    def get(self, rel: str) -> None:
        root = self.preview.output_dir.resolve()
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(404)
        if target.is_dir():
            if rel and not rel.endswith("/"):
                self.redirect(self.request.path + "/")
                return
            target = target / "index.html"
        try:
            self._send(target.read_bytes(), target.name)
        except OSError:
            try:
                self._send((root / "404.html").read_bytes(), "404.html", 404)
            except OSError:
                self._send(b"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>404</title></head>"
                           b"<body><p>Kh\xc3\xb4ng c\xc3\xb3 trang n\xc3\xa0y.</p></body></html>", "404.html", 404)


class PreviewServer(Server):
    """livereload's Server whose web handlers serve the output under the base path."""

    def __init__(self, preview: Preview, base_path: str, watcher: EventWatcher):
        super().__init__(watcher=watcher)
        self.preview = preview
        self.base_path = base_path

    def get_web_handlers(self, script):
        handlers = []
        if self.base_path != "/":
            handlers.append((r"/", web.RedirectHandler, {"url": self.base_path}))
            handlers.append((self.base_path.rstrip("/"), web.RedirectHandler, {"url": self.base_path}))
        handlers.append((self.base_path + "(.*)", PageHandler, {"preview": self.preview}))
        if self.base_path != "/":
            handlers.append((r"/.*", OutsideHandler, {"base_path": self.base_path}))
        return handlers


class OutsideHandler(web.RequestHandler):
    """A 404 for any address outside the base path, as GitHub Pages would answer once published."""

    def initialize(self, base_path: str) -> None:
        self.base_path = base_path

    def get(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        path = html.escape(self.request.path)
        self.write(f"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>404</title></head><body>"
                   f"<h1>404: {path}</h1><p>Địa chỉ này nằm ngoài đường dẫn gốc <code>{html.escape(self.base_path)}</code>. "
                   f"Khi xuất bản lên GitHub Pages, liên kết tới đây sẽ bị lỗi: hãy tạo liên kết bằng url() trong mẫu "
                   f"hoặc viết đủ đường dẫn gốc.</p><p><a href=\"{html.escape(self.base_path)}\">Về trang chủ</a></p></body></html>")


def preview_base_url(host: str, port: int, base_path: str | None, configured_base_url: str) -> str:
    """http://HOST:PORT/<base path>: the configured site's path unless --base-path says otherwise."""
    path = base_path if base_path is not None else urlsplit(configured_base_url).path
    path = "/" + path.strip("/") + "/" if path.strip("/") else "/"
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}{path}"


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, as the host name resolves them."""
    try:
        _, _, addresses = socket.gethostbyname_ex(socket.gethostname())
    except OSError:
        return []
    return sorted({a for a in addresses if not a.startswith("127.")})


def serve(make_config: Callable[[], Config], output_dir: Path, host: str, port: int, base_path: str,
          watch: list[Path]) -> int:
    """Build once, then serve and rebuild on change until Ctrl+C."""
    watcher = EventWatcher()
    preview = Preview(make_config, output_dir, watcher=watcher)
    preview.rebuild()
    server = PreviewServer(preview, base_path, watcher)
    for path in watch:
        server.watch(str(path), preview.changed)
    threading.Thread(target=preview.run_worker, name="rebuild", daemon=True).start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Xem trước tại http://{shown}:{port}{base_path}  (Ctrl+C để dừng)", flush=True)
    if host in ("0.0.0.0", "::"):
        addresses = lan_addresses()
        for address in addresses:
            print(f"Điện thoại cùng mạng: mở http://{address}:{port}{base_path}", flush=True)
        if not addresses:
            print("Điện thoại cùng mạng: mở http://<địa chỉ IP của máy này>:" f"{port}{base_path}", flush=True)
    try:
        server.serve(port=port, host=host, debug=False, restart_delay=0)
    except OSError as exc:
        print(f"Lỗi: không mở được cổng {port} trên {host}: {exc.strerror or exc}. "
              "Thử cổng khác, ví dụ --port 8001.", flush=True)
        return 1
    finally:
        preview.save()  # the last rebuild's state, for the next build
    return 0
