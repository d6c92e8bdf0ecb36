"""Render the site model through the Jinja templates into {output path: bytes}."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup
import yaml

from .config import Config
from .errors import ConfigError, TemplateError
from .qr import qr_svg
from .site import Site
from .text import format_date, format_number, format_price

LANGUAGES = ("vi",)
LABELS_PER_SHEET = 8  # shelf labels on one A4 sheet: 2 columns x 4 rows (assets/print.css)


@dataclass(frozen=True)
class PageJob:
    """One HTML page to render: where it goes, which template, and what it shows."""

    path: str
    template: str
    context: dict = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        """The page's path below the base URL ("san-pham/x/"); "" for the home page."""
        return self.path.removesuffix("index.html")


def load_translations(data_dir: Path, lang: str) -> dict[str, str]:
    """The interface text of one language, from data/i18n/<lang>.yaml."""
    path = data_dir / "i18n" / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: không đọc được tệp bản dịch: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: tệp bản dịch phải là các dòng khoá: giá trị")
    return {str(k): str(v) for k, v in data.items()}


def make_environment(config: Config, assets: dict[str, str]) -> jinja2.Environment:
    """A Jinja environment with autoescaping, strict undefined values and the catalog's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    base_path = config.base_path

    def url(path: str = "") -> str:
        return base_path + path.lstrip("/")

    def abs_url(path: str = "") -> str:
        return config.origin + url(path)

    def asset(name: str) -> str:
        if name not in assets:
            raise jinja2.UndefinedError(f"không có tệp assets/{name}")
        return url(f"assets/{name}") + f"?v={assets[name]}"

    def qr(data: str, title: str = "") -> Markup:
        return Markup(qr_svg(data, title))

    env.globals.update(url=url, abs_url=abs_url, asset=asset, config=config, qr=qr)
    env.filters.update(
        price=format_price,
        date=format_date,
        number=format_number,
        json=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"),
    )
    return env


def page_jobs(site: Site) -> list[PageJob]:
    """Every HTML page of the site, in a fixed order."""
    jobs = [PageJob("index.html", "home.html")]
    jobs.append(PageJob("san-pham/index.html", "products.html", {"products": site.products}))
    jobs += [PageJob(p.path + "index.html", "product.html", {"product": p}) for p in site.products]
    jobs.append(PageJob("chu-the/index.html", "producers.html"))
    jobs += [PageJob(p.path + "index.html", "producer.html", {"producer": p, "products": site.products_by_producer[p.slug]})
             for p in site.producers]
    jobs.append(PageJob("nhom/index.html", "listings.html", {"listings": site.groups, "kind": "group"}))
    jobs.append(PageJob("xa/index.html", "listings.html", {"listings": site.communes, "kind": "commune"}))
    jobs.append(PageJob("sao/index.html", "listings.html", {"listings": site.star_levels, "kind": "stars"}))
    for listing in site.groups + site.communes + site.star_levels:
        jobs.append(PageJob(listing.path + "index.html", "listing.html", {"listing": listing}))
    jobs += [PageJob(p.path + "index.html", "page.html", {"page": p}) for p in site.pages]
    jobs.append(PageJob("thong-ke/index.html", "stats.html"))
    jobs.append(PageJob("tim-kiem/index.html", "search.html"))
    jobs += [PageJob(p.traceability.path + "index.html", "trace.html", {"product": p}) for p in site.products if p.traceability]
    jobs.append(PageJob("in-nhan/index.html", "labels.html", {"per_sheet": LABELS_PER_SHEET}))
    jobs.append(PageJob("in-nhan/poster/index.html", "posters.html"))
    jobs.append(PageJob("404.html", "404.html"))
    return jobs


def render_pages(site: Site, env: jinja2.Environment, t: dict[str, str], jobs: list[PageJob], memo=None) -> dict[str, bytes]:
    """Render the given pages; template problems name the template file and line.

    `memo` (an ocop.incremental.PageMemo) reuses pages whose template, context and site reads are unchanged.
    """
    files: dict[str, bytes] = {}
    shared = {"site": site, "t": t, "lang": "vi"}
    for job in jobs:
        if memo is not None and (previous := memo.reuse(job, site)) is not None:
            files[job.path] = previous
            continue
        view = memo.view(site) if memo is not None else site
        try:
            template = env.get_template(job.template)
            html = template.render(shared, site=view, page_path=job.url_path, **job.context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"templates/{exc.name or job.template}:{exc.lineno}: lỗi cú pháp mẫu: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"templates/{exc.name}: không tìm thấy tệp mẫu") from None
        except (jinja2.UndefinedError, TypeError, ValueError, AttributeError) as exc:
            raise TemplateError(f"templates/{job.template}{_template_line(exc)}: khi tạo {job.path}: {exc}") from None
        files[job.path] = html.encode("utf-8")
        if memo is not None:
            memo.store(job, view, files[job.path])
    return files


def _template_line(exc: Exception) -> str:
    """':12' for the innermost template frame of a rendering error, if any."""
    tb = exc.__traceback__
    line = ""
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html"):
            line = f":{tb.tb_lineno}"
        tb = tb.tb_next
    return line
