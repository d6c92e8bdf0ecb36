"""`python build.py kiosk`: serve the built site on 127.0.0.1 and open the kiosk in Chromium's kiosk mode."""

from __future__ import annotations

import argparse
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
from functools import partial
from http import HTTPStatus
from pathlib import Path

from .errors import SiteError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PROFILE_DIR = Path.home() / ".local" / "share" / "ocop-kiosk" / "chromium"
CHROMIUM_FLAGS = (
    "--kiosk",
    "--noerrdialogs",
    "--disable-session-crashed-bubble",
    "--disable-infobars",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--disable-features=Translate",
    "--check-for-update-interval=31536000",
)
_HOME = re.compile(rb'data-home="([^"]+)"')


def find_browser() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_command(binary: str, url: str, profile: Path = PROFILE_DIR) -> list[str]:
    """The command line that shows `url` full screen in kiosk mode, with its own profile (its own offline cache)."""
    return [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--app={url}"]


def built_base_path(output_dir: Path) -> str | None:
    """The base path the kiosk in `output_dir` was built for ("/repo/"), or None when there is no kiosk."""
    try:
        match = _HOME.search((output_dir / "kiosk" / "index.html").read_bytes())
    except OSError:
        return None
    if not match:
        return None
    return match.group(1).decode("utf-8").removesuffix("kiosk/")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files under the base path; nothing outside it; quiet."""

    base_path = "/"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """No log line per request."""

    def translate_path(self, path: str) -> str:
        """Strip the base path, then map onto the output folder."""
        rest = urllib.parse.urlsplit(path).path[len(self.base_path) - 1:]
        return super().translate_path(rest or "/")

    def send_head(self):  # type: ignore[no-untyped-def]
        """404 outside the base path and for folder listings."""
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(self.base_path):
            if path + "/" == self.base_path:
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", self.base_path)
                self.end_headers()
                return None
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        self.send_error(HTTPStatus.NOT_FOUND)
        return None


class QuietServer(http.server.ThreadingHTTPServer):
    """A threaded server that does not print a traceback when a browser drops a connection."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def start_server(output_dir: Path, base_path: str, port: int) -> http.server.ThreadingHTTPServer:
    """Serve `output_dir` at http://127.0.0.1:<port><base_path> from a background thread."""
    handler = type("KioskHandler", (_Handler,), {"base_path": base_path})
    try:
        server = QuietServer(("127.0.0.1", port), partial(handler, directory=str(output_dir)))
    except OSError as exc:
        raise SiteError(f"không mở được cổng {port} trên 127.0.0.1 ({exc.strerror}); chọn cổng khác bằng --port") from None
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="kiosk-server", daemon=True).start()
    return server


def has_display() -> bool:
    """Whether a graphical session is there to show a browser."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_kiosk(args: argparse.Namespace, config, build) -> int:
    """Serve the built site (building it first with `build(args)` if needed) and open the kiosk full screen when
    a display is present; `config`: the settings the command line gives (ocop.cli)."""
    if not 0 <= args.port <= 65535:
        raise SiteError(f"--port phải từ 0 đến 65535 (đang ghi {args.port})")
    if args.rebuild or built_base_path(config.output_dir) is None:
        build(args)
    base_path = built_base_path(config.output_dir)
    if base_path is None:
        raise SiteError(f"{config.output_dir}: không có kiosk/index.html; chạy python build.py build trước")
    server = start_server(config.output_dir, base_path, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}{base_path}kiosk/"
    print(f"Kiosk đang chạy tại {url}", flush=True)
    browser = None if args.no_browser or not has_display() else find_browser()
    process = None
    if browser:
        process = subprocess.Popen(chromium_command(browser, url))
        print(f"Đã mở {Path(browser).name} ở chế độ kiosk. Nhấn Ctrl+C ở đây để dừng.", flush=True)
    else:
        reason = ("không tìm thấy Chromium (cài bằng: sudo apt install chromium)" if has_display() and not args.no_browser
                  else "không có màn hình (chưa đặt DISPLAY hoặc WAYLAND_DISPLAY)" if not args.no_browser
                  else "đã chọn --no-browser")
        print(f"Không mở trình duyệt: {reason}. Để mở kiosk toàn màn hình, chạy trên máy có màn hình:\n"
              f"  {' '.join(chromium_command('chromium', url))}\n"
              f"hoặc mở {url} trong trình duyệt. Nhấn Ctrl+C để dừng máy chủ.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        if process is not None and process.poll() is None:
            process.terminate()
        server.shutdown()
        server.server_close()
    print("Đã dừng kiosk.", file=sys.stderr)
    return 0
