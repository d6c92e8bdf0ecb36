"""The showroom's shelf: content/showroom.yaml says which products are on sale at the counter, at what price.

It is kept apart from the product files, so that a stock change never touches a producer's file; it is read
with the same schema reader, and every problem names the file, the line and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import Problem
from .models import Product
from .reader import Reader, suggest
from .schema import Field
from .source import read_data
from .text import format_date

SHELF_FILE = "showroom.yaml"
SHELF_ITEM = {
    "product": Field("slug", "mã sản phẩm: tên tệp trong content/products/ (không có .md), ví dụ na-cai-kinh", required=True),
    "price": Field("price", "giá bán tại quầy (đồng), viết liền, ví dụ 250000", required=True),
    "unit": Field("text", "đơn vị bán tại quầy, ví dụ hộp 1 kg (bỏ trống: như trong tệp sản phẩm)"),
    "place": Field("text", "vị trí trên kệ, ví dụ Kệ A, tầng 2"),
    "out_of_stock": Field("bool", "true khi tạm hết hàng (sản phẩm vẫn hiện, không thêm được vào giỏ)"),
}
SHELF = {"products": Field("records", "các sản phẩm bày bán tại quầy, mỗi mục bắt đầu bằng -", required=True,
                           fields=SHELF_ITEM)}


@dataclass(frozen=True)
class ShelfItem:
    """One product on the showroom's shelf."""

    slug: str
    price: int
    unit: str
    place: str
    out_of_stock: bool
    source: str
    line: int


def load_shelf(content_dir: Path, products: list[Product], problems: list[Problem]) -> dict[str, ShelfItem]:
    """{product slug: shelf item} from content/showroom.yaml ({} when there is no such file); problems are
    added to `problems`."""
    path = content_dir / SHELF_FILE
    if not path.is_file():
        return {}
    meta, found = read_data(path, content_dir)
    problems.extend(found)
    if meta is None:
        return {}
    rel = path.relative_to(content_dir.parent).as_posix()
    reader = Reader(rel, path, content_dir, {})
    values = reader.read(SHELF, meta)
    by_slug = {p.slug: p for p in products}
    shelf: dict[str, ShelfItem] = {}
    for index, item in enumerate(values["products"] or [], 1):
        name, line = f"products[{index}].product", item["__line__"]
        slug = item["product"]
        if slug is None or item["price"] is None:
            continue
        product = by_slug.get(slug)
        if product is None:
            reader.error(line, name, f"không có sản phẩm \"{slug}\": cần tệp content/products/{slug}.md hoặc "
                         f"content/products/{slug}/index.md{suggest(slug, sorted(by_slug))}")
        elif slug in shelf:
            reader.error(line, name, f"sản phẩm \"{slug}\" đã có ở dòng {shelf[slug].line}; mỗi sản phẩm ghi một lần")
        elif product.draft:
            reader.warn(line, name, f"sản phẩm \"{slug}\" đang là bản nháp (draft: true) nên không hiện ở quầy")
        else:
            shelf[slug] = ShelfItem(slug, item["price"], item["unit"] or product.unit, item["place"] or "",
                                    bool(item["out_of_stock"]), rel, line)
    problems.extend(reader.problems)
    return dict(sorted(shelf.items()))


def shelf_warnings(shelf: dict[str, ShelfItem], products: tuple[Product, ...], config: Config) -> list[Problem]:
    """`check`'s warnings about selling: a shelf product whose certificate has expired, a sample account."""
    found = []
    for product in products:
        item = shelf.get(product.slug)
        cert = product.certificate
        if item is not None and cert is not None and cert.days_left(config.today) < 0:
            found.append(Problem(item.source, item.line, "product", f"\"{product.slug}\" đang bán tại quầy nhưng giấy "
                                 f"chứng nhận OCOP đã hết hạn ngày {format_date(cert.valid_until)}; không giới thiệu là "
                                 "sản phẩm OCOP cho tới khi có giấy mới", "warning"))
    account = config.account if shelf else None  # nothing on sale, no basket: the account is not used
    if account is not None and account.sample:
        where = config.config_path.name if config.config_path else "site.toml"
        found.append(Problem(where, _line_of(config, "sample"), "payment.sample", "tài khoản nhận tiền là tài khoản MẪU: "
                             "mã QR trên kiosk bị phủ chữ \"MẪU – KHÔNG CHUYỂN TIỀN\"; điền tài khoản thật của điểm bán "
                             "rồi đổi sample thành false", "warning"))
    if account is not None and not account.staff_pin:
        where = config.config_path.name if config.config_path else "site.toml"
        found.append(Problem(where, _line_of(config, "account"), "payment.staff_pin", "chưa có mã PIN nhân viên: "
                             "không mở được màn hình đối chiếu đơn hàng trên kiosk", "warning"))
    return found


def _line_of(config: Config, key: str) -> int:
    """The line of `key = ` in the settings file, 0 when not found."""
    try:
        lines = config.config_path.read_text(encoding="utf-8-sig").splitlines() if config.config_path else []
    except OSError:
        return 0
    return next((n for n, text in enumerate(lines, 1) if text.replace(" ", "").startswith(key + "=")), 0)
