"""The search index (search-index.json): product fields for display and an inverted index of body words."""

from __future__ import annotations

import functools
import json
import re

from .models import Product
from .site import Site
from .text import fold

INDEX_PATH = "search-index.json"
INDEX_VERSION = 1
# A word, as assets/search.js splits folded text: letters and digits (Python: alphanumeric, no underscore).
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text, in order: "Mật ong, Hữu Liên" -> ["mat", "ong", "huu", "lien"]."""
    return _WORD.findall(fold(text))


def head_fields(product: Product) -> list[str]:
    """The texts shown in a search result: title, producer, commune (with a former name), group, tags."""
    return [product.title, product.producer.name, product.place.label, product.group.name, *product.tags]


@functools.lru_cache(maxsize=1 << 16)  # unchanged products are the same objects between `serve` rebuilds
def body_words(product: Product) -> list[str]:
    """The distinct folded words of the body that the shown fields do not already contain, sorted."""
    shown = {w for text in head_fields(product) for w in words(text)}
    return sorted(set(words(product.body_text)) - shown)


def _postings(ids: list[int], total: int) -> str:
    """Product numbers as gaps ("0,4,1"); when most products have the word, "!" and the ones without it."""
    if len(ids) * 2 > total:
        present = set(ids)
        ids = [i for i in range(total) if i not in present]
        prefix = "!"
    else:
        prefix = ""
    gaps, previous = [], -1
    for i in ids:
        gaps.append(str(i - previous - 1))
        previous = i
    return prefix + ",".join(gaps)


def index_data(site: Site) -> dict:
    """The index as plain data: groups, communes, one row per product, body words with their products."""
    groups = [g.group for g in site.groups if g.group]
    communes = [c.commune for c in site.communes if c.commune]
    group_no = {g.slug: i for i, g in enumerate(groups)}
    commune_no = {c.slug: i for i, c in enumerate(communes)}
    rows, postings = [], {}
    for number, p in enumerate(site.products):
        former = p.place.label if p.place.former_name else ""
        rows.append([p.slug, p.title, p.stars or 0, group_no[p.group.slug], commune_no[p.place.commune.slug],
                     p.producer.name, former, "|".join(p.tags)])
        for word in body_words(p):
            postings.setdefault(word, []).append(number)
    vocabulary = sorted(postings)
    return {
        "v": INDEX_VERSION,
        "g": [[g.slug, g.name] for g in groups],
        "c": [[c.slug, c.name] for c in communes],
        "p": rows,
        "w": vocabulary,
        "d": [_postings(postings[w], len(rows)) for w in vocabulary],
    }


def search_index(site: Site) -> bytes:
    """search-index.json as compact UTF-8 JSON, the same bytes for the same catalog."""
    text = json.dumps(index_data(site), ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
