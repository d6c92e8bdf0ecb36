"""The search index (search-index.json): product fields for display and an inverted index of body words."""

from __future__ import annotations

import hashlib
import json
import re

from .markup import plain_text
from .models import PLACE_FORMATS_VI, Product
from .paths import LANGUAGES
from .site import Site
from .text import fold

INDEX_PATH = "search-index.json"  # the default language's; the others under <lang>/ (index_path)
INDEX_VERSION = 1
# A word, as assets/search.js splits folded text: letters and digits (Python: alphanumeric, no underscore).
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text, in order: "Mật ong, Hữu Liên" -> ["mat", "ong", "huu", "lien"]."""
    return _WORD.findall(fold(text))


_text_words: dict[bytes, frozenset[str]] = {}  # a long text's digest -> its distinct folded words (text_words)
_used: set[bytes] = set()


def use_word_store(store: dict[bytes, frozenset[str]]) -> None:
    """Take the words of long texts from `store` (the build state keeps it between builds)."""
    global _text_words
    _text_words = store
    _used.clear()


def used_words() -> dict[bytes, frozenset[str]]:
    """The entries of the store that the texts seen since use_word_store() needed."""
    return {key: _text_words[key] for key in sorted(_used)}


def text_words(text: str) -> frozenset[str]:
    """The distinct folded words of a story, remembered by the text's digest: folding is the costly part."""
    key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    _used.add(key)
    found = _text_words.get(key)
    if found is None:
        found = _text_words[key] = frozenset(words(text))
    return found


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
            return sorted(text_words(product.body_text) - shown)
        body = plain_text(product.body_en_html) if product.body_en_html else product.body_text
        found = text_words(body) | set(words(product.title)) | set(words(product.group.name))
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


def _postings_json(products: tuple[Product, ...], words_of) -> str:
    """'"w":[words],"d":[their encoded lists]' in word order: which products (by number) have each body word."""
    lists: dict[str, list[int]] = {}
    for number, product in enumerate(products):
        for word in words_of(product):
            lists.setdefault(word, []).append(number)
    vocabulary = sorted(lists)
    return f'"w":{_json(vocabulary)},"d":{_json([_postings(lists[w], len(products)) for w in vocabulary])}'


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


def search_index(site: Site, language: Language = VIETNAMESE) -> bytes:
    """One language's search index as compact UTF-8 JSON, the same bytes for the same catalog."""
    groups, communes, group_no, commune_no = _numbers(site)
    rows = ",".join(_json(_row(p, group_no, commune_no, language)) for p in site.products)
    return (f'{{"v":{INDEX_VERSION},"g":{_json([[g.slug, language.pick(g, "name")] for g in groups])},'
            f'"c":{_json([[c.slug, c.name] for c in communes])},"p":[{rows}],'
            f'{_postings_json(site.products, language.body_words)}}}\n').encode("utf-8")


def search_index_paths() -> list[str]:
    """Where the search index of every language is."""
    return [index_path(lang) for lang in LANGUAGES]


def search_indexes(site: Site, texts: dict[str, dict[str, str]]) -> dict[str, bytes]:
    """{index_path(lang): index} for every language; `texts` is {language: interface text} (its place formats)."""
    return {index_path(lang): search_index(site, Language(lang, texts[lang])) for lang in LANGUAGES}
