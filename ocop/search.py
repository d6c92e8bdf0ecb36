"""The search index (search-index.json): product fields for display and an inverted index of body words."""

from __future__ import annotations

import bisect
import json
import re

from .diff import changed_at
from .incremental import Kept, keeper
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


class Postings:
    """Which products (by number in catalog order) have each body word, updated product by product.

    A `serve` rebuild after one edit keeps the catalog order, so only the edited product's words move
    and only their lists are encoded again; any other change (a product added, removed or moved) starts
    over, with the words of each product kept from before.
    """

    def __init__(self) -> None:
        self.products: tuple[Product, ...] = ()
        self.words: list[frozenset[str]] = []  # the body words of each product, in the same order
        self.lists: dict[str, list[int]] = {}
        self.encoded: dict[str, str] = {}
        self._json: str | None = None

    def update(self, products: tuple[Product, ...], words_of) -> None:
        old = self.products
        changed = changed_at(products, old) if len(products) == len(old) else None
        if changed is None or len(changed) * 20 > len(products) + 20:
            known = dict(zip(map(id, old), self.words))  # `old` keeps the ids valid until the end
            self.words = [known.get(id(p)) or frozenset(words_of(p)) for p in products]
            self.lists, self.encoded, self._json = {}, {}, None
            for number, words in enumerate(self.words):
                for word in words:
                    self.lists.setdefault(word, []).append(number)
            touched = set(self.lists)
        else:
            touched = set()
            for i in changed:
                before, after = self.words[i], frozenset(words_of(products[i]))
                self.words[i] = after
                for word in before - after:
                    self.lists[word].remove(i)
                    if not self.lists[word]:
                        del self.lists[word], self.encoded[word]
                for word in after - before:
                    bisect.insort(self.lists.setdefault(word, []), i)
                touched |= {word for word in before ^ after if word in self.lists}
                if before != after:
                    self._json = None
        for word in touched:
            self.encoded[word] = _postings(self.lists[word], len(products))
        self.products = products

    def json_words(self) -> str:
        """'"w":[words],"d":[their encoded lists]' in word order; made again only after a change."""
        if self._json is None:
            vocabulary = sorted(self.lists)
            self._json = f'"w":{_json(vocabulary)},"d":{_json([self.encoded[w] for w in vocabulary])}'
        return self._json


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


def search_index(site: Site, kept: Kept | None = None) -> bytes:
    """search-index.json as compact UTF-8 JSON, the same bytes for the same catalog.

    `kept` (ocop.incremental) keeps each product's row and words, and the postings, for the next build.
    """
    kept = keeper(kept)
    groups, communes, group_no, commune_no = _numbers(site)
    postings = kept.by_key("search", "postings", Postings)
    postings.update(site.products, body_words)
    rows = kept.each("search-row", site.products, lambda p: _json(_row(p, group_no, commune_no)).encode("utf-8"))
    head = (f'{{"v":{INDEX_VERSION},"g":{_json([[g.slug, g.name] for g in groups])},'
            f'"c":{_json([[c.slug, c.name] for c in communes])},"p":[')
    tail = f'],{postings.json_words()}}}\n'
    return head.encode("utf-8") + kept.by_object("search-rows", rows, lambda: b",".join(rows)) + tail.encode("utf-8")
