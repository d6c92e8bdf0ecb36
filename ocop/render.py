"""Render one page through the Jinja templates, recording by name everything the page reads."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from types import CodeType

import jinja2
import jinja2.bccache
from jinja2.runtime import Macro
from markupsafe import Markup
import yaml

from .config import Config
from .paths import LANGUAGES, LOCALES, PageJob, is_page, localised
from .errors import ConfigError, TemplateError
from .kiosk import outside_of, unlinked
from .markup import rebase_links
from .names import BODY_FIELDS
from .recording import RecordingEnvironment, fragment_key
from .site import NamedMap, Site
from .text import format_date, format_number, format_price, slugify

QR_SIZE = 160  # the QR images' intrinsic size in CSS pixels (each page's CSS sets the size it prints at)
ONCE_KEPT = 8_192  # the shared fragments (cards, labels) a process keeps for once(), the last used


def product_qr_path(product: object) -> str:
    """Where a product's QR code is published: beside its page, one file for every language."""
    return product.path + "qr.svg"  # type: ignore[attr-defined]


def product_qr_target(product: object) -> str:
    """The site path a product's QR code leads to: its traceability page, else its page, in the default
    language (printed labels are read by anyone; each page links to its other languages)."""
    trace = product.traceability  # type: ignore[attr-defined]
    return trace.path if trace else product.path  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=len(LANGUAGES))  # read again at every rebuild of `serve`
def _parse(text: str) -> object:
    """What YAML makes of a translation file's text (shared: never changed by its readers)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_translations(data_dir: Path, lang: str) -> NamedMap:
    """The interface text of one language, from data/i18n/<lang>.yaml (recorded as one name, text:<lang>: a
    change to it makes that language's pages again)."""
    path = data_dir / "i18n" / f"{lang}.yaml"
    try:
        data = _parse(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: không đọc được tệp bản dịch: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: tệp bản dịch phải là các dòng khoá: giá trị")
    return NamedMap(f"text:{lang}", {str(k): str(v) for k, v in data.items()}, whole=True)


def load_all_translations(data_dir: Path) -> dict[str, NamedMap]:
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
    return _KeptBytecode(str(config.cache_dir / "jinja"))


class _KeptBytecode(jinja2.FileSystemBytecodeCache):
    """Compiled templates under cache_dir, and those this process has loaded kept in memory: `serve` makes a
    new environment for each build and would otherwise read them all again. Jinja gives each template's
    source checksum, so an edited template is never taken from memory."""

    _kept: dict[str, tuple[str, CodeType]] = {}  # cache key -> (source checksum, code), the last one only

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        kept = self._kept.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]
            return
        super().load_bytecode(bucket)
        if bucket.code is not None:
            self._kept[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().dump_bytecode(bucket)
        if bucket.code is not None:
            self._kept[bucket.key] = (bucket.checksum, bucket.code)


def make_environment(config: Config, assets: dict[str, str]) -> RecordingEnvironment:
    """A Jinja environment with autoescaping, strict undefined values and the catalog's filters."""
    env = RecordingEnvironment(
        loader=jinja2.FileSystemLoader(str(config.templates_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build sees one version of each template (serve makes a new environment)
        bytecode_cache=_bytecode_cache(config),  # compiled templates, checked against each source by Jinja
    )
    base_path = config.base_path
    current: dict = {"lang": LANGUAGES[0], "t": NamedMap("text:vi", whole=True)}  # the page being rendered
    note = env.note

    def text(key: str) -> str:
        """One interface text of the page's language."""
        return current["t"][key]

    def url(path: str = "", lang: str | None = None) -> str:
        """A page's address in the page's language (or `lang`); shared files (photos, assets) keep one address."""
        path = path.lstrip("/")
        if is_page(path):
            path = localised(path, lang or current["lang"])
        return base_path + path

    def abs_url(path: str = "", lang: str | None = None) -> str:
        return config.origin + url(path, lang)

    def asset(name: str) -> str:
        if env.reads is not None:
            env.reads.add("asset:" + name)
        if name not in assets:
            raise jinja2.UndefinedError(f"không có tệp assets/{name}")
        return base_path + f"assets/{name}?v={assets[name]}"

    def loc(record: object, name: str) -> str:
        """A record's text in the page's language: `<name>_en` on English pages when given, else the Vietnamese."""
        note(record, body=name in BODY_FIELDS)
        if current["lang"] != LANGUAGES[0]:
            value = getattr(record, f"{name}_{current['lang']}", "")
            if value:
                return value
        return getattr(record, name)

    def vi_only(record: object, name: str) -> Markup:
        """' lang="vi"' where an English page falls back to a record's Vietnamese text, else nothing."""
        note(record)
        if current["lang"] != LANGUAGES[0] and not getattr(record, f"{name}_{current['lang']}", ""):
            return Markup(f' lang="{LANGUAGES[0]}"')
        return Markup("")

    def place_label(place: object) -> str:
        """ "Tân Thành (xã Hòa Lạc cũ)" in the page's language, from the translation's format strings."""
        note(place.commune)  # type: ignore[attr-defined]
        return place.label_in({key: text(key) for key in ("place_former", "place_former_named")})  # type: ignore[attr-defined]

    def plural(key: str, n: int) -> str:
        """A count in the page's language: the `<key>_one` text for 1 ("1 product"), else `<key>` ("{n} products")."""
        one = f"{key}_one"
        return text(one if n == 1 and one in current["t"] else key).replace("{n}", str(n))

    def kind_label(kind: str) -> str:
        """A producer's kind ("hợp tác xã") in the page's language: the `kind_<slug>` translation."""
        key = "kind_" + slugify(kind).replace("-", "_")
        return current["t"].get(key, kind)

    def listing_title(listing: object) -> str:
        """The heading of a group, commune or star-level listing in the page's language."""
        note(listing)
        if listing.kind == "stars":  # type: ignore[attr-defined]
            stars = listing.stars  # type: ignore[attr-defined]
            return text("stars_label").replace("{n}", str(stars)) if stars else text("unranked")
        if listing.group is not None:  # type: ignore[attr-defined]
            return loc(listing.group, "name")  # type: ignore[attr-defined]
        return listing.title  # type: ignore[attr-defined]

    def thousands(value: str) -> str:
        """A number formatted with Vietnamese dots, with the page language's thousands separator."""
        return value.replace(".", current["t"].get("thousands_separator", "."))

    def qr(product: object, alt: str) -> Markup:
        """The product's one QR code (ocop.qr), shared by every page and size that shows it."""
        note(product)
        return Markup('<img class="qr" src="{}" alt="{}" width="{}" height="{}">').format(
            url(product_qr_path(product)), alt, QR_SIZE, QR_SIZE)  # type: ignore[arg-type]

    def link_qr(link: str, alt: str) -> Markup:
        """The QR code of an outside address (a shop, a portal), drawn in the kiosk by its own script from the
        address (assets/kiosk.js): no file per address to make, publish and precache."""
        return Markup('<span class="qr" role="img" aria-label="{}" data-qr="{}"></span>').format(alt, link)

    def kiosk_outside(product: object) -> list[tuple[str, str]]:
        """(label, address) of the outside links a kiosk product page shows as QR codes."""
        note(product)
        return outside_of(product)

    made: dict[tuple, tuple[Markup, frozenset[str]]] = {}  # once(): the shared fragments last used, oldest first

    def once(macro: Macro, *args: object) -> Markup:
        """`macro(*args)`, made once per language in each process and then shared by every page that shows it
        (a product's card on each listing, its label on each sheet), with the names it read recorded for each.

        Only for the macros of partials/macros.html and kiosk/macros.html: imported without the page's context,
        they see nothing but their arguments and the page's language, which together are the key. The
        ONCE_KEPT used last are kept: a catalog's every card would outgrow a worker's memory at 10,000 products."""
        key = fragment_key(macro, args, current["lang"])
        if key is None:
            return macro(*args)
        hit = made.pop(key, None)
        outer = env.reads
        if hit is None:
            if len(made) >= ONCE_KEPT:
                del made[next(iter(made))]  # the one used longest ago
            inner: set[str] = set()
            env.reads = NamedMap.reads = inner
            try:
                html = macro(*args)
            finally:
                env.reads = NamedMap.reads = outer
            hit = (html, frozenset(inner))
        made[key] = hit
        if outer is not None:
            outer |= hit[1]
        return hit[0]

    env.globals.update(once=once, kiosk_outside=kiosk_outside, url=url, abs_url=abs_url, asset=asset, config=config,
                       loc=loc, vi_only=vi_only, qr=qr, link_qr=link_qr,
                       place_label=place_label, listing_title=listing_title, kind_label=kind_label, plural=plural,
                       languages=LANGUAGES, locales=LOCALES)
    env.globals["_current"] = current
    env.filters.update(
        site_links=lambda body: Markup(rebase_links(str(body), url, base_path)),  # root-absolute body links
        unlinked=unlinked,  # kiosk stories: links as plain text
        price=lambda amount: thousands(format_price(amount)),
        date=format_date,
        number=lambda value: thousands(format_number(value)),
        json=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"),
    )
    return env


def language_context(config: Config, texts: dict[str, NamedMap], lang: str) -> dict:
    """What every page in one language shares: its interface text, language and the site's name in it."""
    t = texts[lang]
    default = lang == LANGUAGES[0]
    return {"t": t, "lang": lang, "locale": LOCALES[lang],
            "site_title": config.title if default else t["site_title"],
            "site_description": (config.description or t["site_description"]) if default else t["site_description"]}


def render_page(env: RecordingEnvironment, texts: dict[str, NamedMap], site: Site, job: PageJob) -> tuple[bytes, frozenset[str]]:
    """One page's bytes and the names of everything it read; template problems name the template file and line."""
    shared = {"site": site, **language_context(env.globals["config"], texts, job.lang)}
    env.globals["_current"].update(lang=job.lang, t=shared["t"])
    reads: set[str] = {"text:" + job.lang}  # its site_title and site_description (language_context)
    env.reads = NamedMap.reads = reads
    try:
        template = env.get_template(job.template)
        html = template.render(shared, page_path=job.page_path, **job.context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"templates/{exc.name or job.template}:{exc.lineno}: lỗi cú pháp mẫu: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"templates/{exc.name}: không tìm thấy tệp mẫu") from None
    except (jinja2.UndefinedError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise TemplateError(f"templates/{_template_place(exc, env, job.template)}: khi tạo {job.path}: {exc}") from None
    finally:
        env.reads = NamedMap.reads = None
    return tidy(html).encode("utf-8"), frozenset(reads)


_INDENT = re.compile(r"\n\s+")  # a line break with the blank lines and indentation after it
_AS_WRITTEN = re.compile(r"(<(pre|textarea)\b.*?</\2>)", re.S | re.I)  # where white space is shown


def tidy(html: str) -> str:
    """The page without the templates' indentation and blank lines: each run of white space that starts a
    line becomes one line break (the same to a browser), except inside <pre> and <textarea>."""
    if "<pre" not in html and "<textarea" not in html:
        return _INDENT.sub("\n", html)
    pieces = _AS_WRITTEN.split(html)  # text, (element, its tag name), text, ...
    return "".join(_INDENT.sub("\n", piece) if i % 3 == 0 else piece if i % 3 == 1 else ""
                   for i, piece in enumerate(pieces))


def _template_place(exc: Exception, env: RecordingEnvironment, name: str) -> str:
    """"partials/macros.html:12": the template file and line of the innermost template frame of a rendering
    error (a macro's own file, not the page's), else `name`."""
    place = name
    folders = [os.path.join(os.path.abspath(folder), "") for folder in getattr(env.loader, "searchpath", ())]
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html"):
            inside = [filename[len(folder):] for folder in folders if filename.startswith(folder)]
            place = f"{inside[0] if inside else os.path.basename(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return place
