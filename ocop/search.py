"""The search index (search-index.json): product fields for display and an inverted index of body words."""

from __future__ import annotations

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


def _postings_json(products: tuple[Product, ...]) -> str:
    """'"w":[words],"d":[their encoded lists]' in word order: which products (by number) have each body word."""
    lists: dict[str, list[int]] = {}
    for number, product in enumerate(products):
        for word in body_words(product):
            lists.setdefault(word, []).append(number)
    vocabulary = sorted(lists)
    return f'"w":{_json(vocabulary)},"d":{_json([_postings(lists[w], len(products)) for w in vocabulary])}'


def _row(p: Product, group_no: dict, commune_no: dict) -> list:
    former = p.place.label if p.place.former_name else ""
    return [p.slug, p.title, p.stars or 0, group_no[p.group.slug], commune_no[p.place.commune.slug],
            p.producer.name, former, "|".join(p.tags)]


def _numbers(site: Site) -> tuple[list, list, dict, dict]:
    groups = [g.group for g in site.groups if g.group]
    communes = [c.commune for c in site.communes if c.commune]
    return groups, communes, {g.slug: i for i, g in enumerate(groups)}, {c.slug: i for i, c in enumerate(communes)}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def search_index(site: Site) -> bytes:
    """search-index.json as compact UTF-8 JSON, the same bytes for the same catalog."""
    groups, communes, group_no, commune_no = _numbers(site)
    rows = ",".join(_json(_row(p, group_no, commune_no)) for p in site.products)
    return (f'{{"v":{INDEX_VERSION},"g":{_json([[g.slug, g.name] for g in groups])},'
            f'"c":{_json([[c.slug, c.name] for c in communes])},"p":[{rows}],{_postings_json(site.products)}}}\n').encode("utf-8")
