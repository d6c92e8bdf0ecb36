"""Markdown to safe HTML: python-markdown for the syntax, nh3 to remove anything unsafe."""

from __future__ import annotations

import hashlib
import html
import re

import markdown
import nh3
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "dd", "div", "dl", "dt", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_H1 = re.compile(r"<(/?)h1\b")
# A root-absolute address ("/san-pham/x/", not "//host/") in a link or image of sanitised HTML (nh3 writes
# every attribute in double quotes).
_ROOT_URL = re.compile(r'(<(?:a|img)\b[^>]*?\s(?:href|src)=")(/(?!/)[^"]*)(")')

# the extensions given as objects: by name, python-markdown looks for them among every installed package
_converter = markdown.Markdown(extensions=[TableExtension(), AttrListExtension(), SaneListExtension()],
                               output_format="html")


_rendered: dict[bytes, str] | None = None  # texts rendered by earlier builds (ocop.cache), by sha256
_seen: list[bytes] | None = None  # the keys of the texts rendered or looked up, in order (ocop.cache)


def remember_rendered(store: dict[bytes, str] | None, seen: list[bytes] | None = None) -> None:
    """Use (and fill) `store` of rendered texts in render_markdown, and add each text's key to `seen`;
    None: always render."""
    global _rendered, _seen
    _rendered, _seen = store, seen


def render_markdown(text: str) -> str:
    """Safe HTML for a Markdown text, from the build cache when it rendered the same text before."""
    if _rendered is None:
        return markdown_to_html(text)
    key = hashlib.sha256(text.encode("utf-8")).digest()
    if _seen is not None:
        _seen.append(key)
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = markdown_to_html(text)
    return html


def markdown_to_html(text: str) -> str:
    """Render Markdown, then sanitise: no script, no event handlers, no javascript: URLs."""
    _converter.reset()
    raw = _converter.convert(text)
    raw = _H1.sub(r"<\1h2", raw)  # the page title is the only h1
    return nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(body_html: str) -> str:
    """The visible text of rendered HTML, on one line (for search and descriptions)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body_html))).strip()


def summary(body_html: str, limit: int = 160) -> str:
    """The first words of the text, cut at a word boundary, for descriptions."""
    text = plain_text(body_html)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def root_urls(body_html: str) -> list[str]:
    """The root-absolute addresses that the links and images of sanitised HTML name, in order."""
    return [match.group(2) for match in _ROOT_URL.finditer(body_html)]


def site_path(url: str, base_path: str) -> str:
    """The site path a root-absolute body address means, without the base path when the editor wrote it
    ("/san-pham/x/" and "/ocop-huu-lung/san-pham/x/" both give "san-pham/x/"); a last part without a dot
    is a page folder ("/san-pham/x" gives "san-pham/x/")."""
    path, mark, rest = html.unescape(url).partition("#")
    path, qmark, query = path.partition("?")
    if base_path != "/" and (path + "/").startswith(base_path):
        path = path[len(base_path) - 1:]
    path = path.lstrip("/")
    if path and not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return path + qmark + query + mark + rest


def rebase_links(body_html: str, url, base_path: str) -> str:
    """Sanitised HTML with its root-absolute links and image sources put under the site's base path, in the
    page's language (`url` is the template's url(): "/san-pham/x/" -> "/ocop-huu-lung/en/san-pham/x/")."""
    if "=\"/" not in body_html:
        return body_html
    return _ROOT_URL.sub(lambda m: m.group(1) + html.escape(url(site_path(m.group(2), base_path))) + m.group(3),
                         body_html)
