"""The search index (search-index.json and its parts): product fields for display and an inverted index of body words."""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import sys
from array import array
from collections.abc import Sequence

from .markup import plain_text
from .models import PLACE_FORMATS_VI, Product
from .parts import part_budget, per_record, split
from .paths import LANGUAGES
from .site import Site
from .text import fold

INDEX_PATH = "search-index.json"  # the default language's; the others under <lang>/ (index_path)
INDEX_VERSION = 2  # 2: the index names its parts
PART_BYTES = 200_000  # a part of the index at most (a word's first letters cost one such download)
# A word, as assets/search.js splits folded text: letters and digits (Python: alphanumeric, no underscore).
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a text, in order: "Mật ong, Hữu Liên" -> ["mat", "ong", "huu", "lien"]."""
    return _WORD.findall(fold(text))


# A story's digest (of its HTML) -> the distinct folded words of its text, sorted, joined by spaces (text_words):
# one string per story is a small part of what a set of its words would take, in memory and in the saved build
# state.
_text_words: dict[bytes, str] = {}
_used: set[bytes] = set()


def use_word_store(store: dict[bytes, str]) -> None:
    """Take the words of long texts from `store` (the build state keeps it between builds)."""
    global _text_words
    _text_words = store
    _used.clear()


def used_words() -> dict[bytes, str]:
    """The entries of the store that the texts seen since use_word_store() needed."""
    return {key: _text_words[key] for key in sorted(_used) if key in _text_words}


def text_words(html: str) -> list[str]:
    """The distinct folded words of a story's visible text, remembered by the digest of its HTML: making the
    plain text and folding it are the costly part, done only for a story the last build did not have."""
    key = _text_key(html)
    _used.add(key)
    found = _text_words.get(key)
    if found is None:
        found = _text_words[key] = " ".join(sorted(set(words(plain_text(html)))))
    return list(map(sys.intern, found.split()))  # one object per word, however many stories have it


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

    def story(self, product: Product) -> str:
        """The rendered story of the product in this language (the Vietnamese one where none is given)."""
        if self.lang != LANGUAGES[0] and product.body_en_html:
            return product.body_en_html
        return product.body_html

    def body_words(self, product: Product, story: str | None = None) -> list[str]:
        """The distinct folded words of the body (the English one where given; `story`, its HTML, when known) that
        the shown fields do not already contain, sorted. Other languages also find a product by its Vietnamese
        title and group."""
        shown = {w for text in self.head_fields(product) for w in words(text)}
        found = set(text_words(self.story(product) if story is None else story))
        if self.lang != LANGUAGES[0]:
            found |= set(words(product.title)) | set(words(product.group.name))
        return sorted(found - shown)

    def given(self) -> tuple:
        """What this language's index reads besides a product (its place formats), for ocop.parts.per_record."""
        return self.lang, tuple(sorted(self.formats.items()))


VIETNAMESE = Language()


def head_fields(product: Product) -> list[str]:
    """The Vietnamese texts shown in a search result (Language.head_fields)."""
    return VIETNAMESE.head_fields(product)


def body_words(product: Product) -> list[str]:
    """The Vietnamese index's body words of a product (Language.body_words)."""
    return VIETNAMESE.body_words(product)


def _postings(ids: Sequence[int], total: int) -> str:
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
    """Which products (by number) have each body word, and each word's encoded list. Kept between builds
    (use_postings): when the catalog has as many products as last time, only the words a product
    gained or lost are looked at again; the result is always that of a fresh count."""

    def __init__(self) -> None:
        self.words: list[str] = []  # each product's (distinct) body words, joined by spaces, as last given
        self.lists: dict[str, array] = {}  # word -> the numbers of the products that have it, ascending
        self.encoded: dict[str, str] = {}
        self.order: list[str] = []  # the words of `encoded`, sorted

    def update(self, body_words: list[str]) -> list[tuple[str, str]]:
        """(body word, its encoded product list) in word order, for products numbered in the given order (each
        product's distinct words joined by spaces)."""
        total = len(body_words)
        if total != len(self.words):
            self.lists = {}
            lists = self.lists
            for number, found in enumerate(body_words):
                for word in found.split():
                    ids = lists.get(word)
                    if ids is None:
                        ids = lists[word] = array("I")  # 4 bytes a product, not a list's 8 and an int each
                    ids.append(number)
            touched = set(self.lists)
            self.encoded = {}
        else:
            touched = set()
            for number, (old, new) in enumerate(zip(self.words, body_words)):
                if old == new:
                    continue
                before, after = set(old.split()), set(new.split())
                for word in before - after:
                    self.lists[word].remove(number)
                for word in after - before:
                    bisect.insort(self.lists.setdefault(word, array("I")), number)
                touched |= before ^ after
        words_changed = len(touched) > 0 and not touched <= self.encoded.keys()
        for word in touched:
            if self.lists[word]:
                self.encoded[word] = _postings(self.lists[word], total)
            else:
                del self.lists[word]
                self.encoded.pop(word, None)
                words_changed = True
        if words_changed or len(self.order) != len(self.encoded):
            self.order = sorted(self.encoded)
        self.words = list(body_words)
        return [(word, self.encoded[word]) for word in self.order]


_postings_kept: dict[str, Postings] = {}  # language -> its postings, as the last build left them (use_postings)


def use_postings(store: dict[str, Postings]) -> None:
    """Keep each language's postings in `store` (the content cache saves it with the records, whose search
    words it holds: the same strings): the next build, in this process or another, looks again only at the
    products whose words changed."""
    global _postings_kept
    _postings_kept = store


def _postings_lists(body_words: list[str], lang: str = LANGUAGES[0]) -> list[tuple[str, str]]:
    """(body word, its encoded product list) in word order: which products (by number) have each body word."""
    return _postings_kept.setdefault(lang, Postings()).update(body_words)


def _words_piece(language: Language, product: Product) -> tuple[str, bytes]:
    """A product's body words in one language, joined by spaces (one object, kept with the record by the
    content cache), with the digest of the story they came from."""
    story = language.story(product)
    return " ".join(language.body_words(product, story)), _text_key(story)


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _row(p: Product, group_no: dict, commune_no: dict, language: Language = VIETNAMESE) -> list:
    former = language.place(p) if p.place.former_name else ""
    return [p.slug, language.pick(p, "title"), p.stars or 0, group_no[p.group.slug], commune_no[p.place.commune.slug],
            language.pick(p.producer, "name"), former, "|".join(p.tags)]


def _numbers(site: Site) -> tuple[list, list, dict, dict]:
    groups = [g.group for g in site.groups if g.group]
    communes = [c.commune for c in site.communes if c.commune]
    return groups, communes, {g.slug: i for i, g in enumerate(groups)}, {c.slug: i for i, c in enumerate(communes)}


# json.dumps(value, ensure_ascii=False, separators=(",", ":")), without making an encoder for each of the
# thousands of values an index holds
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _part(folder: str, kind: str, data: bytes) -> tuple[str, bytes]:
    """A part's path below `folder`, named by its content ("search-index/w-<digest>.json"): a part never
    changes under one name, so a browser may keep it; only the small index names the parts of this build."""
    return f"{folder}{kind}-{hashlib.blake2b(data, digest_size=8).hexdigest()}.json", data


def search_files(site: Site, language: Language = VIETNAMESE) -> dict[str, bytes]:
    """One language's search index, the same bytes for the same catalog: index_path(lang), small, with the
    groups, communes and the names of its parts; the product rows in parts ("p": product numbers in order) and
    the body words in parts of consecutive words ("s": each part's first word), none over PART_BYTES."""
    groups, communes, group_no, commune_no = _numbers(site)
    room = min(PART_BYTES, part_budget()) - 32
    folder = "search-index/"
    numbering = (tuple(group_no), tuple(commune_no))
    rows = per_record(("search-rows", language.lang), site.products,
                      lambda p: (_json(_row(p, group_no, commune_no, language)) + ",").encode("utf-8"),
                      (language.given(), numbering))
    row_parts = [_part(folder, "p", b'{"p":[' + b"".join(run)[:-1] + b"]}\n") for run in split(rows, room)]
    found = per_record(("search-words", language.lang), site.products, lambda p: _words_piece(language, p),
                       language.given())
    _used.update(key for _, key in found)  # the stories whose words the build state keeps
    postings = _postings_lists([words_ for words_, _ in found], language.lang)
    items = [(_json(word) + "," + _json(encoded) + ",").encode("utf-8") for word, encoded in postings]
    word_parts, firsts, at = [], [], 0
    for run in split(items, room):
        chunk = postings[at:at + len(run)]
        at += len(run)
        firsts.append(chunk[0][0] if chunk else "")
        data = f'{{"w":{_json([w for w, _ in chunk])},"d":{_json([d for _, d in chunk])}}}\n'.encode("utf-8")
        word_parts.append(_part(folder, "w", data))
    manifest = (f'{{"v":{INDEX_VERSION},"n":{len(site.products)},'
                f'"g":{_json([[g.slug, language.pick(g, "name")] for g in groups])},'
                f'"c":{_json([[c.slug, c.name] for c in communes])},"p":{_json([name for name, _ in row_parts])},'
                f'"s":{_json([[first, name] for first, (name, _) in zip(firsts, word_parts)])}}}\n').encode("utf-8")
    prefix = index_path(language.lang).removesuffix(INDEX_PATH)
    return {prefix + INDEX_PATH: manifest, **{prefix + name: data for name, data in row_parts + word_parts}}


_SEARCH_FILES = tuple(index_path(lang) for lang in LANGUAGES)
_SEARCH_PARTS = tuple(main.removesuffix(".json") + "/" for main in _SEARCH_FILES)


def is_search_file(path: str) -> bool:
    """Whether an output path is a search index or one of its parts, in any language."""
    return path in _SEARCH_FILES or path.startswith(_SEARCH_PARTS)


def search_indexes(site: Site, texts: dict[str, dict[str, str]]) -> dict[str, bytes]:
    """Every language's search_files; `texts` is {language: interface text} (its place formats)."""
    files: dict[str, bytes] = {}
    for lang in LANGUAGES:
        files.update(search_files(site, Language(lang, texts[lang])))
    return files
