"""Render the site model through the Jinja templates into {output path: bytes}."""

from __future__ import annotations

import json
import secrets
from itertools import chain
from operator import attrgetter, itemgetter
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup
import yaml

from .config import Config
from .errors import ConfigError, TemplateError
from .diff import changed_at, note_swap, swapped_from
from .incremental import Kept, SiteView, keeper, note_keys
from .markup import rebase_links
from .models import Product
from .parallel import map_in_order
from .qr import qr_svg
from .site import Site
from .text import format_date, format_number, format_price, slugify

LANGUAGES = ("vi", "en")  # the first is the default, built at the root; the others under <lang>/
LOCALES = {"vi": "vi_VN", "en": "en_US"}
KIOSK = "kiosk/"  # the kiosk keeps its other languages inside its own folder (kiosk/en/), under its offline worker
LABELS_PER_SHEET = 8  # shelf labels on one A4 sheet: 2 columns x 4 rows (assets/print.css)
# Marks where each() splices fragments into a rendered page: NUL cannot come from a template or from content
# (source.py refuses control characters), and the random part cannot be guessed by content either.
SPLICE = f"\0{secrets.token_hex(8)}:"
_MISSING = object()
SLUG = attrgetter("slug")


@dataclass(frozen=True)
class PageJob:
    """One HTML page to render: where it goes, which template, and what it shows."""

    path: str
    template: str
    context: dict = field(default_factory=dict)
    lang: str = LANGUAGES[0]

    @property
    def url_path(self) -> str:
        """The page's path below the base URL ("en/san-pham/x/"); "" for the home page."""
        return self.path.removesuffix("index.html")

    @property
    def page_path(self) -> str:
        """The page's path without its language ("san-pham/x/" for both languages)."""
        return unlocalised(self.url_path, self.lang)


def localised(path: str, lang: str) -> str:
    """Where a page path lives in a language: "san-pham/x/" -> "en/san-pham/x/", "kiosk/sao/" -> "kiosk/en/sao/"."""
    if lang == LANGUAGES[0]:
        return path
    if path.startswith(KIOSK):
        return f"{KIOSK}{lang}/{path[len(KIOSK):]}"
    return f"{lang}/{path}"


def in_language(job: PageJob, lang: str) -> PageJob:
    """The same page in another language (at its localised path)."""
    return PageJob(localised(job.path, lang), job.template, job.context, lang)


def unlocalised(path: str, lang: str) -> str:
    """The language-free page path of a localised one (the inverse of localised)."""
    if lang == LANGUAGES[0]:
        return path
    if path.startswith(f"{KIOSK}{lang}/"):
        return KIOSK + path[len(f"{KIOSK}{lang}/"):]
    return path.removeprefix(f"{lang}/")


def is_page(path: str) -> bool:
    """Whether a site path names a page (a folder or an .html file) rather than a shared file (photo, asset)."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    return path == "" or path.endswith(("/", ".html"))


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


def load_all_translations(data_dir: Path) -> dict[str, dict[str, str]]:
    """{language: interface text} for every built language."""
    return {lang: load_translations(data_dir, lang) for lang in LANGUAGES}


def _bytecode_cache(config: Config) -> jinja2.BytecodeCache | None:
    """Compiled templates kept under cache_dir (Jinja checks each against its template's source)."""
    if not config.use_cache:
        return None
    try:
        (config.cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(config.cache_dir / "jinja"))


def make_environment(config: Config, assets: dict[str, str]) -> jinja2.Environment:
    """A Jinja environment with autoescaping, strict undefined values and the catalog's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # compiled templates, checked against each template's source by Jinja
        bytecode_cache=_bytecode_cache(config),
    )
    base_path = config.base_path
    # the page being rendered (set by render_parts): its language, interface text, fragment store and splices
    current: dict = {"lang": LANGUAGES[0], "t": {}, "fragments": {}, "splices": [], "path": "", "lists": Kept(), "diffs": {}}

    def url(path: str = "", lang: str | None = None) -> str:
        """A page's address in the page's language (or `lang`); shared files (photos, assets) keep one address."""
        path = path.lstrip("/")
        if is_page(path):
            path = localised(path, lang or current["lang"])
        return base_path + path

    def abs_url(path: str = "", lang: str | None = None) -> str:
        return config.origin + url(path, lang)

    def asset(name: str) -> str:
        if name not in assets:
            raise jinja2.UndefinedError(f"không có tệp assets/{name}")
        return base_path + f"assets/{name}?v={assets[name]}"

    def loc(record: object, name: str) -> str:
        """A record's text in the page's language: `<name>_en` on English pages when given, else the Vietnamese."""
        if current["lang"] != LANGUAGES[0]:
            value = getattr(record, f"{name}_{current['lang']}", "")
            if value:
                return value
        return getattr(record, name)

    def vi_only(record: object, name: str) -> Markup:
        """' lang="vi"' where an English page falls back to a record's Vietnamese text, else nothing."""
        if current["lang"] != LANGUAGES[0] and not getattr(record, f"{name}_{current['lang']}", ""):
            return Markup(f' lang="{LANGUAGES[0]}"')
        return Markup("")

    def place_label(place: object) -> str:
        """ "Tân Thành (xã Hòa Lạc cũ)" in the page's language, from the translation's format strings."""
        return place.label_in(current["t"])  # type: ignore[attr-defined]

    def plural(key: str, n: int) -> str:
        """A count in the page's language: the `<key>_one` text for 1 ("1 product"), else `<key>` ("{n} products")."""
        t = current["t"]
        return t[f"{key}_one" if n == 1 and f"{key}_one" in t else key].replace("{n}", str(n))

    def kind_label(kind: str) -> str:
        """A producer's kind ("hợp tác xã") in the page's language: the `kind_<slug>` translation."""
        return current["t"].get("kind_" + slugify(kind).replace("-", "_"), kind)

    def listing_title(listing: object) -> str:
        """The heading of a group, commune or star-level listing in the page's language."""
        t = current["t"]
        if listing.kind == "stars":  # type: ignore[attr-defined]
            stars = listing.stars  # type: ignore[attr-defined]
            return t["stars_label"].replace("{n}", str(stars)) if stars else t["unranked"]
        if listing.group is not None:  # type: ignore[attr-defined]
            return loc(listing.group, "name")  # type: ignore[attr-defined]
        return listing.title  # type: ignore[attr-defined]

    def qr(data: str, title: str = "") -> Markup:
        return Markup(qr_svg(data, title))

    env.globals.update(url=url, abs_url=abs_url, asset=asset, config=config, qr=qr, loc=loc, vi_only=vi_only,
                       place_label=place_label, listing_title=listing_title, kind_label=kind_label, plural=plural, languages=LANGUAGES, locales=LOCALES)
    env.globals["_current"] = current

    def once(macro: jinja2.runtime.Macro, product: object, site: object, t: dict, *flags: object,
             pictures: object = _MISSING, today: object = None) -> bytes:
        """A product's fragment (card, label, poster) as UTF-8 with a final newline, rendered once per language
        and flags, then reused by every page that shows it, and by later `serve` rebuilds while the product
        is the same object.

        The fragment is keyed by what it reads from `site`: the product's photos and the date, which the
        caller may pass when it has already read them (each() does, for a whole list).
        """
        if pictures is _MISSING:
            pictures, today = site.pictures.get(product.slug), site.today  # type: ignore[attr-defined]
        key = (macro.name, product.slug, current["lang"], flags)  # type: ignore[attr-defined]
        hit = current["fragments"].get(key)
        if hit is None or hit[0] is not product or hit[2] != today or not (hit[1] is pictures or hit[1] == pictures):
            html = str(macro(product, site, t, *flags)) + "\n"
            hit = current["fragments"][key] = (product, pictures, today, html.encode("utf-8"))
        return hit[3]

    def each(macro: jinja2.runtime.Macro, products: tuple, site: object, t: dict, eager: int = 0,
             per: int = 0, group: jinja2.runtime.Macro | None = None) -> Markup:
        """Every product's fragment, `macro(product, site, t, lazy)`, one per line; `lazy` is false for the first
        `eager`. With `per` and `group`, each run of `per` fragments is wrapped by `group(number, count, t, inner)`.

        The fragments are spliced into the page's bytes after rendering (a placeholder stands in the template's
        output), so a list of thousands costs a join, not a template loop, and an unchanged list is seen at once.
        """
        lists, photos = current["lists"], (site._site if isinstance(site, SiteView) else site).pictures  # type: ignore[attr-defined]
        known = lists.find("each", products)  # (slugs, their photos, the photo mapping) of this list
        if known is None or known[2] is not photos:
            known = _facts(products, photos, lists)
            lists.put("each", products, known)
        note_keys(site, "pictures", known[0])
        pictures, diffs = known[1], current["diffs"]
        today, store = site.today, current["fragments"]  # type: ignore[attr-defined]

        def fragment(i: int) -> bytes:
            return once(macro, products[i], site, t, i >= eager, pictures=pictures[i], today=today)

        slot = ("each", current["path"], len(current["splices"]))  # this call on this page (bounds the store)
        sign = (macro.name, eager, today)
        old = store.get(slot)
        if old is not None and old[3] == sign and len(old[0]) == len(products):
            # the same list as last time but for a few products: redo only those
            items = list(old[2])
            pair = (id(products), id(old[0]), id(old[1]))  # pages showing the same list share its diff
            diff = diffs.get(pair)
            if diff is None or diff[0] is not products or diff[1] is not old[0] or diff[2] is not old[1]:
                diff = diffs[pair] = (products, old[0], old[1], changed_at(products, old[0], (pictures, old[1])))
            for i in diff[3]:
                items[i] = fragment(i)
        else:
            items = [fragment(i) for i in range(len(products))]
        store[slot] = (products, pictures, items, sign)
        parts = _grouped(items, per, group, t) if per and group is not None else items
        current["splices"].append(parts)
        return Markup(f"{SPLICE}{len(current['splices']) - 1}{SPLICE}")

    def _facts(products: tuple, photos: dict, lists: Kept) -> tuple:
        """(slugs, photos of each, `photos`) for a list of products; made from the list it was patched from
        (ocop.site.patch_site) when that one is known, else by walking it."""
        made = swapped_from(products)
        base = lists.find("each", made[0]) if made is not None else None
        if made is None or base is None or base[2] is not photos:
            slugs = list(map(SLUG, products))
            return slugs, list(map(photos.get, slugs)), photos
        slugs, pictures = list(base[0]), list(base[1])
        for i in made[1]:
            slugs[i] = products[i].slug
            pictures[i] = photos.get(slugs[i])
        note_swap(pictures, base[1], made[1])
        return slugs, pictures, photos

    def _grouped(parts: list[bytes], per: int, group: jinja2.runtime.Macro, t: dict) -> list[bytes]:
        count = -(-len(parts) // per)
        wrapped = []
        for number in range(count):
            inner = tuple(parts[number * per:(number + 1) * per])
            key = (group.name, current["lang"], number, count)
            hit = current["fragments"].get(key)
            if hit is None or hit[0] != inner:
                markup = Markup(b"".join(inner).decode("utf-8"))
                hit = current["fragments"][key] = (inner, (str(group(number + 1, count, t, markup)) + "\n").encode("utf-8"))
            wrapped.append(hit[1])
        return wrapped

    env.globals.update(once=once, each=each)
    def thousands(text: str) -> str:
        """A number formatted with Vietnamese dots, with the page language's thousands separator."""
        return text.replace(".", current["t"].get("thousands_separator", "."))

    env.filters.update(
        site_links=lambda body: Markup(rebase_links(str(body), url, base_path)),  # root-absolute body links
        price=lambda amount: thousands(format_price(amount)),
        date=format_date,
        number=lambda value: thousands(format_number(value)),
        json=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"),
    )
    return env


def page_jobs(site: Site, kept: Kept | None = None) -> list[PageJob]:
    """Every HTML page of the site in every language, in a fixed order.

    `kept` (ocop.incremental) keeps each product's and producer's jobs, so an unchanged one gives the very
    same jobs, and the lists of thousands are put together at C speed.
    """
    kept = keeper(kept)

    def in_languages(*made: PageJob) -> dict[str, tuple[PageJob, ...]]:
        return {lang: tuple(in_language(j, lang) for j in made) for lang in LANGUAGES}

    def product_jobs(p: Product) -> dict[str, tuple[PageJob, ...]]:  # its page, then its traceability page if any
        made = [PageJob(p.path + "index.html", "product.html", {"product": p})]
        if p.traceability:
            made.append(PageJob(p.traceability.path + "index.html", "trace.html", {"product": p}))
        return in_languages(*made)

    made_by = site.products_by_producer
    own = kept.each("jobs", site.products, product_jobs)
    producers = kept.each("producer-jobs", site.producers, lambda p: in_languages(PageJob(
        p.path + "index.html", "producer.html", {"producer": p, "products": made_by[p.slug]})),
        also=list(map(made_by.__getitem__, map(SLUG, site.producers))))
    jobs: list[PageJob] = []
    for lang in LANGUAGES:
        def add(*made: PageJob) -> None:
            jobs.extend(in_language(j, lang) for j in made)

        add(PageJob("index.html", "home.html"), PageJob("san-pham/index.html", "products.html", {"products": site.products}))
        mine = list(map(itemgetter(lang), own))
        jobs.extend(map(itemgetter(0), mine))
        add(PageJob("chu-the/index.html", "producers.html"))
        jobs.extend(map(itemgetter(0), map(itemgetter(lang), producers)))
        add(PageJob("nhom/index.html", "listings.html", {"listings": site.heads["group"], "kind": "group"}),
            PageJob("xa/index.html", "listings.html", {"listings": site.heads["commune"], "kind": "commune"}),
            PageJob("sao/index.html", "listings.html", {"listings": site.heads["stars"], "kind": "stars"}))
        add(*(PageJob(listing.path + "index.html", "listing.html", {"listing": listing})
              for listing in site.groups + site.communes + site.star_levels))
        add(*(PageJob(p.path + "index.html", "page.html", {"page": p}) for p in site.pages))
        add(PageJob("thong-ke/index.html", "stats.html"), PageJob("tim-kiem/index.html", "search.html"))
        jobs.extend(chain.from_iterable(map(itemgetter(slice(1, None)), mine)))  # traceability pages
        add(PageJob("in-nhan/index.html", "labels.html", {"per_sheet": LABELS_PER_SHEET}),
            PageJob("in-nhan/poster/index.html", "posters.html"), PageJob("404.html", "404.html"))
    return jobs


def language_context(config: Config, texts: dict[str, dict[str, str]], lang: str) -> dict:
    """What every page in one language shares: its interface text, language and the site's name in it."""
    t = texts[lang]
    default = lang == LANGUAGES[0]
    return {"t": t, "lang": lang, "locale": LOCALES[lang],
            "site_title": config.title if default else t["site_title"],
            "site_description": (config.description or t["site_description"]) if default else t["site_description"]}


def render_pages(site: Site, env: jinja2.Environment, texts: dict[str, dict[str, str]], jobs: list[PageJob],
                 memo=None, part: str = "pages") -> dict[str, bytes]:
    """Render the given pages, each with the interface text of its language (`texts`: {lang: text});
    template problems name the template file and line.

    `memo` (an ocop.incremental.PageMemo) reuses pages whose template, context and site reads are unchanged;
    `part` names this list of pages in it. Without one, many pages are rendered by worker processes (ocop.parallel), in the same order.
    """
    env.globals["_current"]["lists"] = memo.lists if memo is not None else Kept()  # each()'s knowledge of lists
    env.globals["_current"]["diffs"] = {}  # and how they changed since the last build
    if memo is None:
        for name in sorted({job.template for job in jobs}):  # compiled once, before workers fork
            try:
                env.get_template(name)
            except jinja2.TemplateError:
                pass  # reported with its page below
        pages = map_in_order(lambda job: render_page(env, texts, site, job), jobs, site.config.jobs)
        return {job.path: page for job, page in zip(jobs, pages)}
    env.globals["_current"]["fragments"] = memo.fragments  # kept between rebuilds like the pages
    files, todo = memo.reuse_all(jobs, part)
    for job in todo:
        view = memo.view(site)
        shell, splices = render_parts(env, texts, view, job)
        files[job.path] = memo.store(job, view, shell, splices)
    memo.finish(jobs, files, part)
    return files


def render_parts(env: jinja2.Environment, texts: dict[str, dict[str, str]], site: object,
                 job: PageJob) -> tuple[list[bytes], list[list[bytes]]]:
    """One page as its own text (split where each() spliced fragments in) and the spliced fragments;
    `site` is the Site or a recording view of it (ocop.incremental.SiteView)."""
    shared = {"site": site, **language_context(env.globals["config"], texts, job.lang)}
    current = env.globals["_current"]
    current.update(lang=job.lang, t=shared["t"], splices=[], path=job.path)
    try:
        template = env.get_template(job.template)
        html = template.render(shared, page_path=job.page_path, **job.context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"templates/{exc.name or job.template}:{exc.lineno}: lỗi cú pháp mẫu: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"templates/{exc.name}: không tìm thấy tệp mẫu") from None
    except (jinja2.UndefinedError, TypeError, ValueError, AttributeError) as exc:
        raise TemplateError(f"templates/{job.template}{_template_line(exc)}: khi tạo {job.path}: {exc}") from None
    pieces = html.split(SPLICE)
    splices = current["splices"]
    current["splices"] = []
    shell = [piece.encode("utf-8") for piece in pieces[::2]]
    order = [splices[int(number)] for number in pieces[1::2]]
    return shell, order


def join_parts(shell: list[bytes], splices: list[list[bytes]]) -> bytes:
    """The page's bytes: its own text with the fragments spliced back in."""
    if not splices:
        return shell[0]
    out = [shell[0]]
    for fragments, text in zip(splices, shell[1:]):
        out += fragments
        out.append(text)
    return b"".join(out)


def render_page(env: jinja2.Environment, texts: dict[str, dict[str, str]], site: object, job: PageJob) -> bytes:
    """One page's bytes; `site` is the Site or a recording view of it (ocop.incremental.SiteView)."""
    return join_parts(*render_parts(env, texts, site, job))


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
