"""The search index (search-index.json): product fields for display and an inverted index of body words."""

from __future__ import annotations

import bisect
import json
import re

from .diff import changed_at
from .incremental import Kept, keeper
from .markup import plain_text
from .models import PLACE_FORMATS_VI, Product
from .render import LANGUAGES
from .site import Site
from .text import fold

INDEX_PATH = "search-index.json"  # the default language's; the others under <lang>/ (index_path)
INDEX_VERSION = 1
# A word, as assets/search.js splits folded text: letters and digits (Python: alphanumeric, no underscore).
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text, in order: "Mật ong, Hữu Liên" -> ["mat", "ong", "huu", "lien"]."""
    return _WORD.findall(fold(text))


def index_path(lang: str) -> str:
    """Where the search index of a language is: search-index.json, en/search-index.json."""
    return INDEX_PATH if lang == LANGUAGES[0] else f"{lang}/{INDEX_PATH}"


class Language:
    """How one language's index reads a product: its texts in that language where the content gives them
    (`title_en`, the producer's and the group's `name_en`, `body_en`), the Vietnamese ones otherwise."""

    def __init__(self, lang: str = LANGUAGES[0], formats: dict[str, str] | None = None):
        self.lang = lang
        self.formats = formats or PLACE_FORMATS_VI  # place_former / place_former_named of the language

    def pick(self, record: object, name: str) -> str:
        text = getattr(record, f"{name}_{self.lang}", "") if self.lang != LANGUAGES[0] else ""
        return text or getattr(record, name)

    def place(self, product: Product) -> str:
        return product.place.label_in(self.formats)

    def head_fields(self, product: Product) -> list[str]:
        """The texts shown in a search result: title, producer, commune (with a former name), group, tags."""
        return [self.pick(product, "title"), self.pick(product.producer, "name"), self.place(product),
                self.pick(product.group, "name"), *product.tags]

    def body_words(self, product: Product) -> list[str]:
        """The distinct folded words of the body (the English one where given) that the shown fields do not
        already contain, sorted. Other languages also find a product by its Vietnamese title and group."""
        shown = {w for text in self.head_fields(product) for w in words(text)}
        if self.lang == LANGUAGES[0]:
            return sorted(set(words(product.body_text)) - shown)
        body = plain_text(product.body_en_html) if product.body_en_html else product.body_text
        found = set(words(body)) | set(words(product.title)) | set(words(product.group.name))
        return sorted(found - shown)


VIETNAMESE = Language()


def head_fields(product: Product) -> list[str]:
    """The Vietnamese texts shown in a search result (Language.head_fields)."""
    return VIETNAMESE.head_fields(product)


def body_words(product: Product) -> list[str]:
    """The Vietnamese index's body words of a product (Language.body_words)."""
    return VIETNAMESE.body_words(product)


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


def _row(p: Product, group_no: dict, commune_no: dict, language: Language = VIETNAMESE) -> list:
    former = language.place(p) if p.place.former_name else ""
    return [p.slug, language.pick(p, "title"), p.stars or 0, group_no[p.group.slug], commune_no[p.place.commune.slug],
            language.pick(p.producer, "name"), former, "|".join(p.tags)]


def _numbers(site: Site) -> tuple[list, list, dict, dict]:
    groups = [g.group for g in site.groups if g.group]
    communes = [c.commune for c in site.communes if c.commune]
    return groups, communes, {g.slug: i for i, g in enumerate(groups)}, {c.slug: i for i, c in enumerate(communes)}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def search_index(site: Site, kept: Kept | None = None, language: Language = VIETNAMESE) -> bytes:
    """One language's search index as compact UTF-8 JSON, the same bytes for the same catalog.

    `kept` (ocop.incremental) keeps each product's row and words, and the postings, for the next build.
    """
    kept = keeper(kept)
    own = "" if language.lang == LANGUAGES[0] else "-" + language.lang  # the default language keeps its old names
    groups, communes, group_no, commune_no = _numbers(site)
    postings = kept.by_key("search", "postings" + own, Postings)
    postings.update(site.products, language.body_words)
    rows = kept.each("search-row" + own, site.products,
                     lambda p: _json(_row(p, group_no, commune_no, language)).encode("utf-8"))
    head = (f'{{"v":{INDEX_VERSION},"g":{_json([[g.slug, language.pick(g, "name")] for g in groups])},'
            f'"c":{_json([[c.slug, c.name] for c in communes])},"p":[')
    tail = f'],{postings.json_words()}}}\n'
    return head.encode("utf-8") + kept.by_object("search-rows" + own, rows, lambda: b",".join(rows)) + tail.encode("utf-8")


def search_indexes(site: Site, texts: dict[str, dict[str, str]], kept: Kept | None = None) -> dict[str, bytes]:
    """{index_path(lang): index} for every language; `texts` is {language: interface text} (its place formats)."""
    return {index_path(lang): search_index(site, kept, Language(lang, texts[lang])) for lang in LANGUAGES}
