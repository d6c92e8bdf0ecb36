"""Browser test support: Playwright driving Debian's Chromium offline, a GitHub-Pages-like static server.

Use from tests/conftest.py::

    from browser_support import browser, context, page, serve  # noqa: F401  (fixtures)

Playwright's own browser downloads are never used: ``playwright install`` is not needed.
Chromium comes from Debian (``apt-get install chromium``). Without it, browser tests are
skipped locally with a reason, but fail when the ``CI`` environment variable is set.
"""

from __future__ import annotations

import http.server
import os
import shutil
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ocop.kiosk_serve import QuietServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Flags for headless Chromium as root in a container with no network but loopback.
CHROMIUM_ARGS: list[str] = [
    "--no-sandbox",  # root in a container: the setuid/namespace sandbox is unavailable
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # no calls home (refused here, slow)
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-quic",
    "--mute-audio",
]

MIME_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".woff2": "font/woff2",
}


def _ci() -> bool:
    """True when running under CI (CI env var set to something other than empty/0/false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str:
    """Return Debian's chromium path; fail under CI, skip locally, if it is missing."""
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if path:
        return path
    msg = "Debian chromium not found (apt-get install chromium); browser tests need it"
    if _ci():
        pytest.fail(msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Session-wide headless Chromium (Debian's) launched by Playwright."""
    exe = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - dev extra missing
        if _ci():
            pytest.fail(f"playwright not installed: {exc}", pytrace=False)
        pytest.skip(f"playwright not installed: {exc}")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Fresh browser context (own cache, storage and service workers) per test, Vietnamese locale."""
    ctx = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """New page in the per-test context."""
    return context.new_page()


def record_requests(target: Page | BrowserContext) -> list[str]:
    """Record the URL of every request made from now on (a BrowserContext also sees service-worker requests)."""
    urls: list[str] = []
    target.on("request", lambda req: urls.append(req.url))
    return urls


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``base_path`` like GitHub Pages: 404.html for misses, no listings."""

    base_path = "/"
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Stay quiet."""

    def _inside(self) -> bool:
        """Whether the request path lies under base_path (or is base_path without its slash)."""
        p = urllib.parse.urlsplit(self.path).path
        return p.startswith(self.base_path) or p == self.base_path.rstrip("/")

    def translate_path(self, path: str) -> str:
        """Strip base_path, then map onto the served directory."""
        parts = urllib.parse.urlsplit(path)
        rest = parts.path[len(self.base_path.rstrip("/")) :] or "/"
        return super().translate_path(rest)

    def send_head(self):  # type: ignore[no-untyped-def]
        """404 outside base_path; otherwise the usual static-file handling."""
        if not self._inside():
            self.send_error(HTTPStatus.NOT_FOUND, plain=True)
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        """No directory listings: GitHub Pages answers 404."""
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None, plain: bool = False
    ) -> None:
        """Answer 404s with the site's 404.html (status 404) when it exists."""
        page404 = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or plain or not page404.is_file():
            super().send_error(code, message, explain)
            return
        body = page404.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", MIME_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        """Add GitHub-Pages-like caching header."""
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


_servers: list[http.server.ThreadingHTTPServer] = []


def static_server(root_dir: str | os.PathLike[str], base_path: str = "/") -> str:
    """Serve root_dir at http://127.0.0.1:<free port><base_path> in a daemon thread; return that base URL."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"base_path": base})
    root = str(Path(root_dir).resolve())

    def factory(*args: Any, **kwargs: Any) -> _Handler:
        return handler(*args, directory=root, **kwargs)

    httpd = QuietServer(("127.0.0.1", 0), factory)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, name=f"static:{root}", daemon=True).start()
    _servers.append(httpd)
    return f"http://127.0.0.1:{httpd.server_address[1]}{base}"


def stop_static_servers(keep: int = 0) -> None:
    """Shut down the servers started by static_server, all but the first ``keep``."""
    while len(_servers) > keep:
        httpd = _servers.pop()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Fixture form of static_server; the servers it started stop at the end of the test."""
    keep = len(_servers)
    yield static_server
    stop_static_servers(keep)


def kiosk_sale_screens(page: Page, kiosk_url: str) -> Iterator[str]:
    """Put two shelf products in the kiosk's basket and yield "basket" with the basket open, then "payment"
    with the VietQR payment screen open (kiosk_url: the kiosk's home in some language)."""
    page.goto(kiosk_url + "san-pham/tra-day-tuan-son/")
    page.click("button.k-add")
    page.click("button.k-add")
    page.goto(kiosk_url + "san-pham/cai-bo-xoi-huu-co/")
    page.click("button.k-add")
    page.click("[data-basket-open]")
    page.locator("#k-basket .k-line").first.wait_for()
    yield "basket"
    page.click("#k-basket [data-pay]")
    page.locator("#k-pay .k-pay-code svg").wait_for()
    yield "payment"
