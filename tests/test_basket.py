"""Selling in the kiosk, in a real Chromium on a touch screen, offline: the basket, the VietQR payment screen
(its code read back by zbar), the sample account's overlay, emptying at the attract loop, the staff view."""

from __future__ import annotations

import csv
import io
import re
import shutil
import textwrap
from pathlib import Path

import pytest

import browser_support
from browser_support import static_server, stop_static_servers
from conftest import PRODUCER, PRODUCT, ROOT, TODAY, write_files
from ocop.cli import main
from tools_support import decode_qr_png, parse_emv

BASE_PATH = "/ocop-huu-lung/"
ARTIFACTS = ROOT / "test-artifacts" / "kiosk"
BIN, ACCOUNT, PIN = "970436", "1023456789", "1357"
# A product whose title a spreadsheet would run as a formula, on the shelf beside the sample's products.
FORMULA_TITLE = "=HYPERLINK(\"http://x\";\"Mật ong\")"
SETTINGS = f"""\
title = "Sản phẩm OCOP Hữu Lũng"
[showroom]
name = "Điểm bán thử"
address = "Số 1, xã Hữu Lũng"
[kiosk]
idle_seconds = 60
[payment]
bank = "{BIN}"
account = "{ACCOUNT}"
account_name = "DIEM BAN THU"
staff_pin = "{PIN}"
"""


def serve_build(folder: Path, *args: str) -> str:
    """Build into folder/output, serve it under BASE_PATH; the base URL."""
    out = folder / "output"
    out.mkdir()
    base_url = static_server(out, BASE_PATH)
    assert main(["build", "--output", str(out), "--today", TODAY, "--base-url", base_url, *args]) == 0
    return base_url


@pytest.fixture(scope="module")
def shops(tmp_path_factory):
    """{"real": base URL of the sample catalog with a configured account and one more shelf product,
    "sample": base URL of the sample catalog as it is (its made-up account)}."""
    running = len(browser_support._servers)
    real = tmp_path_factory.mktemp("real")
    content = real / "content"
    shutil.copytree(ROOT / "content", content)
    formula = PRODUCT.replace("title: Mật ong rừng Hữu Liên", f"title: '{FORMULA_TITLE}'").replace("featured: true", "")
    write_files(content, {"producers/htx-mat-ong-huu-lien.md": PRODUCER, "products/mat-ong-cong-thuc.md": formula})
    with (content / "showroom.yaml").open("a", encoding="utf-8") as shelf:
        shelf.write("  - product: mat-ong-cong-thuc\n    price: 1000\n")
    (real / "site.toml").write_text(textwrap.dedent(SETTINGS), encoding="utf-8")
    urls = {"real": serve_build(real, "--content", str(content), "--config", str(real / "site.toml")),
            "sample": serve_build(tmp_path_factory.mktemp("sample"))}
    yield urls
    stop_static_servers(running)


@pytest.fixture
def touch(browser, shops):
    """new(width, height) -> a page in a fresh touch-screen context; no request may leave the local server."""
    contexts, requests = [], []

    def new(width: int = 1920, height: int = 1080):
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True, locale="vi-VN",
                                      service_workers="allow", accept_downloads=True)
        contexts.append(context)
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
        return page

    yield new
    for context in contexts:
        context.close()
    local = [url.removesuffix(BASE_PATH) + "/" for url in shops.values()]
    strays = [url for url in requests if not url.startswith(tuple(local)) and not url.startswith("blob:")]
    assert requests and not strays, f"requests to other hosts: {strays}"


def shown(locator) -> str:
    """What an element says, with no-break spaces (250.000\u00a0₫) as plain spaces."""
    return locator.inner_text().replace("\u00a0", " ")


def offline_kiosk(page, base: str) -> None:
    """Open the kiosk, let its service worker precache everything, then cut the network."""
    page.goto(base + "kiosk/")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20000)
    page.context.set_offline(True)


def buy(page, base: str) -> None:
    """From the kiosk's product list: two of Trà dây Tuấn Sơn, one Cải bó xôi hữu cơ."""
    page.goto(base + "kiosk/san-pham/")
    page.tap("a.k-card[href$='/kiosk/san-pham/tra-day-tuan-son/']")
    page.wait_for_url("**/tra-day-tuan-son/")
    assert "Có bán tại quầy" in page.locator(".k-shelf").inner_text()
    page.tap("button.k-add")
    page.tap("button.k-add")
    assert "Đã thêm vào giỏ: Trà dây Tuấn Sơn" in page.locator("[data-added]").inner_text()
    assert page.locator("[data-basket-count]").inner_text() == "2"
    page.tap("a.k-back")
    page.wait_for_url("**/kiosk/san-pham/")
    page.tap("a.k-card[href$='/kiosk/san-pham/cai-bo-xoi-huu-co/']")
    page.wait_for_url("**/cai-bo-xoi-huu-co/")
    page.tap("button.k-add")
    assert page.locator("[data-basket-count]").inner_text() == "3"


def open_basket(page) -> dict[str, str]:
    """Open the basket; {product: its line's text}."""
    page.tap("[data-basket-open]")
    basket = page.locator("#k-basket")
    basket.wait_for(state="visible")
    return {line.locator(".k-line-title").inner_text().split("\n")[0]: shown(line)
            for line in basket.locator(".k-line").all()}


def pay(page) -> tuple[str, str]:
    """Tap "Thanh toán"; (the order code shown, the payload zbar reads from a screenshot of the code)."""
    page.tap("#k-basket [data-pay]")
    dialog = page.locator("#k-pay")
    dialog.wait_for(state="visible")
    code = dialog.locator("[data-pay-order]").inner_text()
    texts = decode_qr_png(dialog.locator(".k-pay-code").screenshot())
    return code, texts[0] if texts else ""


def test_buying_in_the_kiosk_offline_shows_a_vietqr_code_for_the_total(touch, shops):
    page = touch()
    offline_kiosk(page, shops["real"])
    buy(page, shops["real"])
    lines = open_basket(page)
    assert set(lines) == {"Trà dây Tuấn Sơn", "Cải bó xôi hữu cơ"}
    assert re.search(r"80\.000 ₫ / hộp 30 túi lọc\s+−\s+2\s+\+\s+160\.000 ₫", lines["Trà dây Tuấn Sơn"])
    assert lines["Cải bó xôi hữu cơ"].endswith("35.000 ₫")
    assert shown(page.locator("[data-basket-total]")) == "195.000 ₫"
    for button in page.locator("#k-basket .k-qty-btn").all():  # large touch targets
        box = button.bounding_box()
        assert box["width"] >= 64 and box["height"] >= 64
    page.tap("#k-basket [data-more][data-more='cai-bo-xoi-huu-co']")
    page.tap("#k-basket [data-less][data-less='cai-bo-xoi-huu-co']")
    assert shown(page.locator("[data-basket-total]")) == "195.000 ₫"

    order, payload = pay(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "payment-1920x1080.png"))
    assert re.fullmatch(r"[A-Z2-9]{5}", order)
    fields = parse_emv(payload)  # the CRC checks
    assert fields["38"]["00"] == "A000000727" and fields["38"]["01"] == {"00": BIN, "01": ACCOUNT}
    assert fields["54"] == "195000" and fields["53"] == "704" and fields["58"] == "VN" and fields["01"] == "12"
    assert fields["62"]["08"] == f"OCOP {order}"
    dialog = page.locator("#k-pay")
    text = shown(dialog)
    for expected in ("195.000 ₫", order, "DIEM BAN THU", "Vietcombank", ACCOUNT, "ứng dụng ngân hàng bất kỳ",
                  "Open any banking app", "show the transfer confirmation to the staff"):
        assert expected in text
    assert not re.search(r"đã nhận|thành công|đã thanh toán|received|successful|\bpaid\b", text, re.I)
    assert dialog.locator(".k-pay-sample").count() == 0
    assert dialog.locator(".k-pay-code svg").bounding_box()["width"] >= 400  # about 11 cm on a 24" screen
    page.tap("[data-pay-done]")
    assert page.locator("[data-basket-count]").inner_text() == "0"


def test_kiosk_search_marks_the_products_sold_at_the_counter(touch, shops):
    """The kiosk's search results say "Có bán tại quầy" for the shelf's products, as its product cards do; the
    public search page never does (it sells nothing)."""
    page = touch(1080, 1920)

    def results(url: str, field: str) -> dict:
        page.goto(url)
        page.wait_for_selector("form.s-form.is-ready")
        page.type(field, "tuan son")
        page.wait_for_selector("form.s-form.is-ready:not(.is-loading)")  # the parts of the index the words need
        return {shown(item.locator(".s-title")): item for item in page.locator(".s-item").all()}

    found = results(shops["sample"] + "kiosk/tim-kiem/", "#ks-q")
    assert {"Trà dây Tuấn Sơn", "Măng khô Tuấn Sơn"} <= set(found)  # on the shelf (content/showroom.yaml), and not
    assert shown(found["Trà dây Tuấn Sơn"].locator(".k-card-shelf")) == "Có bán tại quầy"
    assert found["Măng khô Tuấn Sơn"].locator(".k-card-shelf").count() == 0
    found = results(shops["sample"] + "tim-kiem/", "#s-q")
    assert "Trà dây Tuấn Sơn" in found and page.locator(".k-card-shelf").count() == 0


def test_the_sample_account_is_overlaid_and_cannot_be_scanned(touch, shops):
    page = touch()
    buy(page, shops["sample"])
    open_basket(page)
    order, payload = pay(page)
    sample = page.locator("#k-pay .k-pay-sample")
    assert sample.is_visible() and sample.inner_text() == "MẪU – KHÔNG CHUYỂN TIỀN"
    code, band = page.locator("#k-pay .k-pay-code").bounding_box(), sample.bounding_box()
    middle = code["y"] + code["height"] / 2
    assert band["y"] < middle < band["y"] + band["height"] and band["width"] >= code["width"]
    assert payload == ""  # nobody can pay a made-up account
    assert "tài khoản mẫu" in page.locator("#k-pay").inner_text()


def test_the_basket_empties_when_the_attract_loop_starts(touch, shops):
    page = touch()
    page.goto(shops["real"] + "kiosk/san-pham/tra-day-tuan-son/?idle=2")
    page.tap("button.k-add")
    page.tap("[data-basket-open]")
    assert page.locator("[data-basket-count]").inner_text() == "1"
    page.wait_for_url(shops["real"] + "kiosk/", timeout=6000)  # idle: back home, where the loop plays
    page.locator("#k-attract").wait_for(state="visible")
    assert page.locator("[data-basket-count]").inner_text() == "0"
    assert page.evaluate("sessionStorage.getItem('ocop-kiosk-basket')") is None
    page.tap("#k-attract")
    page.tap("[data-basket-open]")
    assert page.locator("#k-basket [data-basket-empty]").is_visible()
    assert page.locator("#k-basket .k-line").count() == 0


def long_press(page, selector: str) -> None:
    page.dispatch_event(selector, "pointerdown")
    page.wait_for_timeout(2300)
    page.dispatch_event(selector, "pointerup")


def enter_pin(page, pin: str) -> None:
    for digit in pin:
        page.tap(f"#k-pin [data-key='{digit}']")
    page.tap("#k-pin [data-pin-open]")


def test_staff_view_lists_the_order_and_exports_csv(touch, shops, tmp_path):
    page = touch()
    buy(page, shops["real"])
    page.goto(shops["real"] + "kiosk/san-pham/mat-ong-cong-thuc/")
    page.tap("button.k-add")
    open_basket(page)
    order, _ = pay(page)
    page.tap("[data-pay-done]")
    page.tap("[data-basket-open]")
    page.tap("#k-basket [data-close]")

    page.tap(".k-brand")  # a short tap opens nothing
    assert not page.locator("#k-pin").is_visible()
    long_press(page, ".k-brand")
    page.locator("#k-pin").wait_for(state="visible")
    enter_pin(page, "0000")
    page.locator("#k-pin [data-pin-wrong]").wait_for(state="visible")
    assert not page.locator("#k-staff").is_visible()
    enter_pin(page, PIN)
    staff = page.locator("#k-staff")
    staff.wait_for(state="visible")
    rows = staff.locator("[data-staff-rows] tr")
    assert rows.count() == 1
    row = shown(rows.first)
    assert order in row and "2 × Trà dây Tuấn Sơn (hộp 30 túi lọc)" in row and "1 × Cải bó xôi hữu cơ" in row
    assert row.rstrip().endswith("196.000 ₫")
    assert "Kiosk không biết tiền đã đến hay chưa" in staff.inner_text()

    with page.expect_download() as download:
        page.tap("[data-staff-export]")
    path = tmp_path / "orders.csv"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("don-hang-") and download.value.suggested_filename.endswith(".csv")
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["Ngày", "Giờ", "Mã đơn", "Sản phẩm"]
    lines = {r[3]: r for r in table[1:]}
    assert lines["Trà dây Tuấn Sơn"][2:] == [order, "Trà dây Tuấn Sơn", "hộp 30 túi lọc", "2", "80000", "160000", "196000"]
    assert "'" + FORMULA_TITLE in lines  # a formula is kept as text, never run by a spreadsheet
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in table for cell in r)

    page.tap("[data-staff-clear]")
    assert rows.count() == 1 and "Chạm lần nữa" in page.locator("[data-staff-clear]").inner_text()
    page.tap("[data-staff-clear]")
    assert rows.count() == 0 and staff.locator("[data-staff-none]").is_visible()


def test_the_vendored_qr_encoder_is_the_npm_package_unchanged():
    package = ROOT / "node_modules" / "qrcode-generator"
    version = __import__("json").loads((ROOT / "package.json").read_text())["devDependencies"]["qrcode-generator"]
    vendored = (ROOT / "assets" / "qrcode.js").read_text(encoding="utf-8")
    header, _, body = vendored.partition("\n// copied unchanged")
    assert f"qrcode-generator {version} (npm, MIT licence" in header
    assert body.split("\n", 1)[1] == (package / "dist" / "qrcode.js").read_text(encoding="utf-8")
    assert "Licensed under the MIT license" in body
