"""Markdown to safe HTML: python-markdown for the syntax, nh3 to remove anything unsafe."""

from __future__ import annotations

import hashlib
import html
import re

import markdown
import nh3

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

_converter = markdown.Markdown(extensions=["tables", "attr_list", "sane_lists"], output_format="html")


_rendered: dict[bytes, str] | None = None  # texts rendered by earlier builds (ocop.cache), by sha256


def remember_rendered(store: dict[bytes, str] | None) -> None:
    """Use (and fill) `store` of rendered texts in render_markdown; None: always render."""
    global _rendered
    _rendered = store


def render_markdown(text: str) -> str:
    """Safe HTML for a Markdown text, from the build cache when it rendered the same text before."""
    if _rendered is None:
        return markdown_to_html(text)
    key = hashlib.sha256(text.encode("utf-8")).digest()
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
