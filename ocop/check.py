"""`check`: every content error, plus editorial warnings the build itself does not give."""

from __future__ import annotations

from .builder import load_site
from .config import Config
from .errors import ContentErrors, Problem
from .markup import plain_text
from .models import EXPIRING_DAYS
from .showroom import shelf_warnings
from .site import FEATURED_SHOWN, Site, featured_products
from .source import read_source
from .text import format_date


def _lines(config: Config, rel: str) -> dict:
    """{field: line} of a content file's front matter, nested records as "a.b"."""
    source, _ = read_source(config.content_dir.parent / rel, config.content_dir)
    if source is None:
        return {}
    lines = dict(source.key_lines)
    for key, value in source.meta.items():
        if isinstance(value, dict) and "__lines__" in value:
            lines.update({f"{key}.{k}": v for k, v in value["__lines__"].items()})
    return lines


def editorial_warnings(site: Site, config: Config) -> list[Problem]:
    """Things an editor should fix soon: certificates ending, missing photos, journeys, contacts and text."""
    found: list[Problem] = []
    left_out = {p.slug: n for n, p in enumerate(featured_products(site.products, site.today), 1) if n > FEATURED_SHOWN}
    for product in site.products:
        lines = _lines(config, product.source)
        if product.slug in left_out:
            found.append(Problem(product.source, lines.get("featured", 0), "featured", "giá trị true bị bỏ qua: "
                                 f"trang chủ và kiosk giới thiệu {FEATURED_SHOWN} sản phẩm tiêu biểu đầu tiên theo "
                                 f"thứ tự chữ cái, sản phẩm này là sản phẩm tiêu biểu thứ {left_out[product.slug]}; "
                                 "bỏ dòng featured ở những sản phẩm ít cần giới thiệu hơn", "warning"))
        cert = product.certificate
        if cert is not None:
            line = lines.get("certificate.valid_until", lines.get("certificate", 0))
            left = cert.days_left(site.today)
            until = format_date(cert.valid_until)
            if left < 0:
                found.append(Problem(product.source, line, "certificate", f"giấy chứng nhận đã hết hạn ngày {until}; "
                                     "cần cập nhật giấy chứng nhận mới hoặc bỏ hạng sao", "warning"))
                if product.featured:
                    found.append(Problem(product.source, lines.get("featured", 0), "featured", "giá trị true bị bỏ qua: "
                                         f"giấy chứng nhận đã hết hạn ngày {until}, nên sản phẩm không còn được giới thiệu "
                                         "trên trang chủ và kiosk (vẫn có trong danh mục); cập nhật giấy chứng nhận mới "
                                         "hoặc bỏ dòng featured", "warning"))
            elif left <= EXPIRING_DAYS:
                found.append(Problem(product.source, line, "certificate", f"giấy chứng nhận sắp hết hạn: còn {left} ngày "
                                     f"(đến {until}); hãy chuẩn bị hồ sơ đánh giá lại", "warning"))
        if product.is_ranked and not product.images:
            found.append(Problem(product.source, lines.get("stars", 0), "images", "sản phẩm đã xếp hạng sao nhưng chưa "
                                 "có ảnh; thêm ảnh cạnh tệp và ghi tên ảnh vào images", "warning"))
        if product.is_ranked and (product.traceability is None or not product.traceability.journey):
            line = lines.get("traceability", lines.get("stars", 0))
            found.append(Problem(product.source, line, "traceability.journey", "sản phẩm đã xếp hạng sao nhưng chưa có "
                                 "hành trình truy xuất nguồn gốc (các bước từ sản xuất đến tay người mua)", "warning"))
        if not plain_text(product.body_html):
            found.append(Problem(product.source, 0, "", "sản phẩm chưa có phần giới thiệu: viết vài câu dưới dòng --- "
                                 "thứ hai", "warning"))
    for producer in site.producers:
        if not producer.has_contact:
            found.append(Problem(producer.source, 0, "", "chủ thể chưa có cách liên hệ nào: thêm phone, email, website "
                                 "hoặc address", "warning"))
    return found + shelf_warnings(site.shelf, site.products, config)


def check_content(config: Config) -> list[Problem]:
    """Every problem of the content folder, sorted: errors of the build, its warnings, editorial warnings.

    Editorial warnings need valid content, so they appear once the errors are fixed.
    """
    try:
        site, _, warnings = load_site(config)
    except ContentErrors as exc:
        return exc.problems
    return sorted(set(warnings) | set(editorial_warnings(site, config)))


def summary(problems: list[Problem]) -> str:
    """One closing line: how many errors and warnings."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return "Nội dung hợp lệ: không có lỗi, không có cảnh báo."
    if errors:
        return f"Có {errors} lỗi và {warnings} cảnh báo. Sửa các lỗi thì trang mới tạo được."
    return f"Không có lỗi; {warnings} cảnh báo nên xem lại."
