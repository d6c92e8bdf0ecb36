"""The web forms at /admin/ (Sveltia CMS) in Debian's Chromium, offline, in local-repository mode.

The folder picker is stubbed with the browser's origin-private file system (OPFS): a copy of the
sample content (and a `.git/HEAD`) is written there, the CMS edits it through its forms, and the files
it saved are read back and built with our generator. Every request to another host is blocked and
fails the test.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
import yaml
from PIL import Image

from conftest import ROOT, TODAY, parse_html
from ocop.cli import main

from browser_support import static_server, stop_static_servers

BASE = "/ocop-huu-lung/"

_WRITE = """async (files) => {
  const root = await navigator.storage.getDirectory();
  for (const [path, b64] of Object.entries(files)) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, {create: true});
    const file = await dir.getFileHandle(parts.at(-1), {create: true});
    const out = await file.createWritable();
    await out.write(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    await out.close();
  }
}"""
_READ = """async (prefix) => {
  const found = {};
  async function walk(dir, path) {
    for await (const [name, handle] of dir.entries()) {
      const rel = path ? path + '/' + name : name;
      if (handle.kind === 'directory') await walk(handle, rel);
      else if (rel.startsWith(prefix)) {
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        let text = '';
        for (const b of bytes) text += String.fromCharCode(b);
        found[rel] = btoa(text);
      }
    }
  }
  await walk(await navigator.storage.getDirectory(), '');
  return found;
}"""


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory) -> str:
    """The sample site built once, served like GitHub Pages under /ocop-huu-lung/; its base URL."""
    out = tmp_path_factory.mktemp("admin") / "output"
    assert main(["build", "--output", str(out), "--today", TODAY, "--base-url", "http://127.0.0.1:8000" + BASE]) == 0
    url = static_server(out, BASE)
    yield url
    stop_static_servers()


class Cms:
    """One browser tab on /admin/, working on a copy of the content in the browser's private file system."""

    def __init__(self, browser, base: str):
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 1000})
        self.context.route("**/*", self._route)
        self.context.add_init_script("window.showDirectoryPicker = () => navigator.storage.getDirectory();")
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.base = base

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, content: Path) -> None:
        """Open /admin/, copy the content folder into the private file system, pick it as the repository."""
        files = {f"content/{p.relative_to(content).as_posix()}": base64.b64encode(p.read_bytes()).decode()
                 for p in sorted(content.rglob("*")) if p.is_file()}
        files[".git/HEAD"] = base64.b64encode(b"ref: refs/heads/main\n").decode()
        self.page.goto(self.base + "admin/")
        self.page.evaluate(_WRITE, files)
        self.page.get_by_role("button", name="Làm việc với kho mã nguồn cục bộ").click()
        self.page.wait_for_url("**/admin/#/collections/**")

    def saved(self, into: Path) -> None:
        """Write what the CMS holds now (the content folder of the private file system) into `into`."""
        shutil.rmtree(into, ignore_errors=True)
        for rel, data in self.page.evaluate(_READ, "content/").items():
            path = into / rel.removeprefix("content/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(data))

    def field(self, key_path: str):
        """The form section of one field, by its key path (e.g. "price", "traceability.journey"), scrolled
        into view: the CMS draws a field only once it is on screen."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        found = self.page.locator(f'section[data-key-path="{key_path}"]')
        try:  # a field just added (a new list item) is drawn a moment after the click: wait before scrolling away
            found.first.wait_for(state="attached", timeout=3000)
        except PlaywrightTimeout:
            pass
        parent = key_path.rpartition(".")[0]
        if parent and not found.count():
            self.field(parent)
        for _ in range(40):
            if found.count():
                found.scroll_into_view_if_needed()
                return found
            self.page.mouse.move(300, 600)
            self.page.mouse.wheel(0, 300)
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no field {key_path} in the form")

    def file_text(self, rel: str) -> str:
        found = self.page.evaluate(_READ, rel)
        return base64.b64decode(found[rel]).decode("utf-8") if rel in found else ""

    def save(self, rel: str) -> str:
        """Press Lưu and wait until the CMS has written `rel` (a path in the content folder) anew; its text."""
        before = self.file_text(rel)
        self.page.get_by_role("button", name="Lưu", exact=True).click()
        for _ in range(100):
            text = self.file_text(rel)
            if text and text != before:
                return text
            self.page.wait_for_timeout(100)
        raise AssertionError(f"the CMS did not save {rel}")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def cms(browser, admin_site):
    session = Cms(browser, admin_site)
    yield session
    session.close()
    assert session.outside == [], f"requests to other hosts: {session.outside}"
    assert session.errors == [], f"errors in the page: {session.errors}"


def build(content: Path, out: Path, capsys) -> tuple[int, str]:
    code = main(["build", "--content", str(content), "--output", str(out), "--today", TODAY])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def front_matter(text: str) -> dict:
    """The front matter as typed text (YAML read without types, like the build reads it)."""
    return yaml.load(text.split("---\n", 2)[1], Loader=yaml.BaseLoader)


def product_page(out: Path, slug: str):
    return parse_html(out / "san-pham" / slug / "index.html")


def test_edit_a_product_price_stars_and_journey(cms, tmp_path, capsys):
    rel = "content/products/na-hoa-lac/index.md"
    before = front_matter((ROOT / rel).read_text(encoding="utf-8"))
    cms.open(ROOT / "content")
    cms.page.get_by_text("Na Hòa Lạc", exact=True).click()
    cms.field("price").locator("input").fill("185000")
    cms.field("stars").get_by_role("radio", name="4 sao").check()
    cms.field("traceability.journey").get_by_role("button", name=re.compile("Thêm.*Hành trình")).click()
    step = f"traceability.journey.{len(before['traceability']['journey'])}."
    cms.field(step + "date").locator("input").fill("2025-09-02")
    cms.field(step + "stage").locator("input").fill("Bán tại điểm OCOP")
    cms.field(step + "place").locator("input").fill("Xã Hữu Lũng")
    saved = cms.save(rel)

    # Every field the file had is kept, with the same text; only the three edits differ.
    after = front_matter(saved)
    expected = {**before, "price": "185000", "stars": "4"}
    expected["traceability"] = {**before["traceability"], "journey": before["traceability"]["journey"] + [
        {"date": "2025-09-02", "stage": "Bán tại điểm OCOP", "place": "Xã Hữu Lũng"}]}
    assert after == expected
    assert saved.split("---\n", 2)[2].strip() == (ROOT / rel).read_text(encoding="utf-8").split("---\n", 2)[2].strip()

    content = tmp_path / "content"
    cms.saved(content)
    code, said = build(content, tmp_path / "output", capsys)
    assert code == 0, said
    doc = product_page(tmp_path / "output", "na-hoa-lac")
    assert "185.000 ₫" in doc.find("p", class_="product-price").text
    assert "4 sao" in doc.find("p", class_="product-stars").text
    assert "Bán tại điểm OCOP" in doc.text and "02/09/2025" in doc.text


def choose(cms: Cms, key_path: str, option: str) -> None:
    """Pick an option of a select or relation field (a drop-down list)."""
    cms.field(key_path).get_by_role("combobox").click()
    cms.page.get_by_role("option", name=option, exact=True).click()


def photo(path: Path) -> Path:
    image = Image.new("RGB", (1200, 900), (196, 150, 40))
    image.save(path, "JPEG", quality=85)
    return path


def test_create_a_product_with_a_photo(cms, tmp_path, capsys):
    cms.open(ROOT / "content")
    known = set(cms.page.evaluate(_READ, "content/products/"))
    cms.page.get_by_role("button", name="Tạo bài viết mới").click()
    cms.field("title").locator("input").fill("Mật ong bạc hà Đồng Tân")
    choose(cms, "category", "Thực phẩm")
    choose(cms, "commune", "Hữu Lũng")
    choose(cms, "producer", "Hợp tác xã Cai Kinh")
    cms.field("price").locator("input").fill("250000")
    cms.field("unit").locator("input").fill("chai 500 ml")
    # The drop zone's own file input (what "Thả tệp ảnh vào đây" and a dropped photo use).
    cms.field("images").locator("input[type=file]").first.set_input_files(photo(tmp_path / "mat-ong.jpg"))
    cms.field("alt").locator("input").fill("Chai mật ong màu vàng")
    cms.page.get_by_role("button", name="Lưu", exact=True).click()
    folder = "content/products/mat-ong-bac-ha-dong-tan/"
    for _ in range(100):
        new = set(cms.page.evaluate(_READ, "content/products/")) - known
        if folder + "index.md" in new:
            break
        cms.page.wait_for_timeout(100)
    assert new == {folder + "index.md", folder + "mat-ong.jpg"}  # a bundle: the photo beside its index.md

    content = tmp_path / "content"
    cms.saved(content)
    meta = front_matter((content / "products/mat-ong-bac-ha-dong-tan/index.md").read_text(encoding="utf-8"))
    assert meta["images"] == ["mat-ong.jpg"] and meta["price"] == "250000" and meta["producer"] == "htx-cai-kinh"
    code, said = build(content, tmp_path / "output", capsys)
    assert code == 0, said
    doc = product_page(tmp_path / "output", "mat-ong-bac-ha-dong-tan")
    assert doc.find("h1").text == "Mật ong bạc hà Đồng Tân"
    img = doc.find("img", alt="Chai mật ong màu vàng")
    assert img is not None, "the product page shows no photo"
    src = img.attrs["src"].split("?")[0].removeprefix("/ocop-huu-lung/")
    assert (tmp_path / "output" / src).is_file() and "mat-ong" in src
    assert "250.000 ₫" in doc.find("p", class_="product-price").text


def test_a_value_the_build_refuses_fails_with_the_usual_message(cms, tmp_path, capsys):
    rel = "content/products/na-hoa-lac/index.md"
    cms.open(ROOT / "content")
    cms.page.get_by_text("Na Hòa Lạc", exact=True).click()
    cms.field("certificate.valid_until").locator("input").fill("2019-01-01")  # before its date, 2020-10-02
    saved = cms.save(rel)
    content = tmp_path / "content"
    cms.saved(content)
    output = tmp_path / "output"
    code, said = build(content, output, capsys)
    line = next(n for n, text in enumerate(saved.splitlines(), 1) if text.strip().startswith("valid_until:"))
    assert code == 1
    assert (f"products/na-hoa-lac/index.md:{line}: error: certificate.valid_until: ngày hết hiệu lực (01/01/2019) "
            "đứng trước ngày cấp (02/10/2020)") in said
    assert "Không tạo trang: 1 lỗi cần sửa" in said and not output.exists()


def test_a_part_of_the_cms_that_cannot_be_loaded_leaves_a_message(browser, admin_site):
    """The CMS script comes in parts under 1 MB (ocop.admin.bundle_parts) that the page joins: one missing
    part stops it with a message in Vietnamese, not a blank page."""
    context = browser.new_context(locale="vi-VN")
    asked: list[str] = []

    def route(route) -> None:
        url = route.request.url
        if re.search(r"/admin/cms-\d+\.js", url):
            asked.append(url.rsplit("/", 1)[1].split("?")[0])
        if "/admin/cms-2.js" in url:
            route.fulfill(status=404, body="")
        elif url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(admin_site + "admin/")
        message = page.get_by_text("Không tải được trang quản trị")
        message.wait_for()
        assert "cms-2.js" in message.text_content() and "404" in message.text_content()
        assert errors  # the error still reaches the console
        assert sorted(asked) == sorted(set(asked)) and "cms-1.js" in asked and "cms-3.js" in asked
    finally:
        context.close()
