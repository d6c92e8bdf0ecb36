"""Names for what a page can read, and fingerprints of what each name stands for in one build.

A page's dependencies are recorded while it renders (ocop.render) as names: "product:na-hoa-lac",
"site:counts", "site:pictures/na-hoa-lac", "text:vi", "template:product.html". The next build asks
each name for its fingerprint again; a page whose names all give the same fingerprints, and whose job is
the same, would render the same bytes. Names never depend on object identity, so the rule holds across
processes and across builds.

An entity (product, producer, page, group, commune, listing) is named by its kind and slug. Reading any
of its fields records the entity; its fingerprint covers its own fields, with the entities it points to
replaced by their names (they are recorded on their own when read). A collection's fingerprint is the
list of names it holds, in order.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass

from .config import Config
from .models import Commune, Group, Page, Producer, Product
from .paths import PageJob
from .site import Listing, ListingHead, NamedMap, Site

MISSING = b"-"  # the fingerprint of a name that stands for nothing in this build


def _listing_name(listing: Listing) -> str:
    return f"listing:{listing.kind}/{listing.slug}"


def _head_name(head: ListingHead) -> str:
    return f"head:{head.kind}/{head.slug}"


# The entities named by a prefix and their slug ("product:na-hoa-lac"); a listing and its head by kind and slug.
SLUG_NAMED: dict[type, str] = {Product: "product:", Producer: "producer:", Page: "page:", Group: "group:",
                                Commune: "commune:"}
ENTITY_NAMES: dict[type, Callable[[object], str]] = {
    **{kind: (lambda e, prefix=prefix: prefix + e.slug) for kind, prefix in SLUG_NAMED.items()},  # type: ignore[attr-defined]
    Listing: _listing_name,  # type: ignore[dict-item]
    ListingHead: _head_name,  # type: ignore[dict-item]
}
# How a run of entities is written in an ident (a slug never holds _SEP).
_RUN, _SEP = "names", " "
_RECORDS = frozenset({Product, Producer, Page})  # the entities read from one file each
_PLAIN = frozenset({str, int, float, bool, type(None), bytes})
_NUMBERS = frozenset({int, float, bool, type(None)})
_SCALARS = frozenset({int, bool, type(None), bytes})  # fingerprints kept by value (not floats: 0.0 == -0.0)
_FLAGS = frozenset({int, bool, type(None)})  # values a context key writes out as they are
_slug = operator.attrgetter("slug")
_FIELDS: dict[type, tuple[str, ...] | None] = {}  # the field names of each dataclass met (None: not one)


def _field_names(kind: type) -> tuple[str, ...] | None:
    names = _FIELDS.get(kind, ())
    if names == ():
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
    return names


def _digest_text(text: str) -> tuple[str, bytes]:
    """A long text stands for itself by its digest (the same text, the same digest)."""
    return ("text", hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())


def ident(value: object) -> object:
    """A plain value standing for `value`: entities by name, containers element by element."""
    kind = type(value)
    namer = ENTITY_NAMES.get(kind)
    if namer is not None:
        return namer(value)
    if kind is str:
        return value if len(value) < 256 else _digest_text(value)  # type: ignore[arg-type]
    if kind is tuple or kind is list:
        if value:  # a run of entities of one kind (a page of a listing): their names in one string
            first = type(value[0])  # type: ignore[index]
            namer = ENTITY_NAMES.get(first)
            if namer is not None and len(set(map(type, value))) == 1:  # type: ignore[arg-type]
                prefix = SLUG_NAMED.get(first)
                if prefix is not None:
                    return (_RUN, prefix + (_SEP + prefix).join(map(_slug, value)))  # type: ignore[arg-type]
                return (_RUN, _SEP.join(map(namer, value)))  # type: ignore[arg-type]
        return tuple([ident(item) for item in value])  # type: ignore[union-attr]
    if kind is dict:
        return tuple(sorted([(str(k), ident(v)) for k, v in value.items()]))  # type: ignore[union-attr]
    if kind in _PLAIN:
        return value
    if isinstance(value, str):  # Markup: a page's text made beforehand (a kiosk story)
        return _digest_text(value)
    if isinstance(value, Mapping):
        return tuple(sorted([(str(k), ident(v)) for k, v in value.items()]))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    names = _field_names(kind)
    if names is not None:  # a dataclass (a pager): its fields, the numbers among them as they are
        fields_ = [getattr(value, name) for name in names]
        return (kind.__name__, *[item if type(item) in _NUMBERS else ident(item) for item in fields_])
    return repr(value)


def fingerprint(value: object) -> bytes:
    """A short digest of ident(value)."""
    if type(value) in _SCALARS:  # a count, a flag, nothing (MISSING): met thousands of times
        return _scalar_fingerprint(value)
    if type(value) is tuple and not value:  # no photos: a product's entry in site.pictures
        return _scalar_fingerprint(())
    return hashlib.blake2b(repr(ident(value)).encode("utf-8"), digest_size=12).digest()


@functools.lru_cache(maxsize=4096, typed=True)
def _scalar_fingerprint(value: object) -> bytes:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=12).digest()


BODY = "#body"  # "product:<slug>#body": a record's long texts, read apart from its other fields
BODY_FIELDS = frozenset({"body_html", "body_en_html"})


def entity_fingerprint(entity: object, body: bool = False) -> bytes:
    """The digest of an entity's own fields (the entities it points to count by name): of its long texts
    (BODY_FIELDS) when `body`, else of all the others. A record's page reads its body; a card only the rest."""
    names = [name for name in _field_names(type(entity)) or () if (name in BODY_FIELDS) == body]
    data = tuple([ident(getattr(entity, name)) for name in names])
    return hashlib.blake2b(repr(data).encode("utf-8"), digest_size=12).digest()


def record_fingerprints(record: object) -> tuple[bytes, bytes]:
    """(of its fields, of its long texts) of a product, producer or page: worked out once and kept on the
    record, which never changes once made. The content cache keeps it with the record, so the build of a
    new process takes the fingerprints of the records it did not read again as they were."""
    known = record.__dict__.get("_fingerprints")
    if known is None:
        known = (entity_fingerprint(record), entity_fingerprint(record, True))
        object.__setattr__(record, "_fingerprints", known)
    return known


class Scope:
    """Everything one build's names can stand for, and their fingerprints (each computed once)."""

    def __init__(self, site: Site, texts: Mapping[str, Mapping[str, str]], templates: Mapping[str, bytes],
                 assets: Mapping[str, str]):
        self.site = site
        self.texts = texts
        self.templates = templates  # template name -> fingerprint of its source
        self.assets = assets  # asset name -> version
        listings = site.groups + site.communes + site.star_levels
        self.entities: dict[str, object] = {
            **{"product:" + p.slug: p for p in site.products},
            **{"producer:" + p.slug: p for p in site.producers},
            **{"page:" + p.slug: p for p in site.pages},
            **{_listing_name(x): x for x in listings},
            **{_head_name(h): h for heads in site.heads.values() for h in heads},
            **{"group:" + x.group.slug: x.group for x in site.groups if x.group is not None},
            **{"commune:" + x.commune.slug: x.commune for x in site.communes if x.commune is not None},
        }
        self._known: dict[str, bytes] = {}

    def fingerprint(self, name: str) -> bytes:
        """What `name` stands for in this build, as a digest (MISSING when it stands for nothing)."""
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = self._fingerprint(name)
        return known

    def _fingerprint(self, name: str) -> bytes:
        base, body, _ = name.partition(BODY)
        entity = self.entities.get(base)  # most names are of records: looked for first
        if entity is not None:
            return record_fingerprints(entity)[1 if body else 0] if type(entity) in _RECORDS \
                else entity_fingerprint(entity)
        kind, _, key = name.partition(":")
        if kind == "template":
            return self.templates.get(key, MISSING)
        if kind == "asset":
            return self.assets.get(key, "-").encode("ascii")
        if kind == "text":
            lang, _, word = key.partition("/")
            texts = self.texts.get(lang, {})
            return fingerprint(texts.get(word)) if word else fingerprint(texts)
        if kind == "config":
            return fingerprint(getattr(self.site.config, key, MISSING))
        if kind == "site":
            field, _, item = key.partition("/")
            value = getattr(self.site, field, MISSING)
            if item:  # one key of a named map (a product's photos, say): met once for each product
                if type(value) is NamedMap or isinstance(value, Mapping):
                    return fingerprint(value.get(item, MISSING))
                return MISSING
            return fingerprint(value)
        return MISSING


def context_key(context: dict) -> bytes:
    """What a page is given, by name (ocop.names.ident): "=product=product:na-hoa-lac" for a page of one record
    (and flags: "=has_search=True\0product=product:na-hoa-lac"), else "#" and the digest of the whole ident."""
    if 0 < len(context) <= 3:
        parts = []
        for name in sorted(context):
            value = context[name]
            prefix = SLUG_NAMED.get(type(value))
            if prefix is not None:
                parts.append(f"{name}={prefix}{value.slug}")
            elif type(value) in _FLAGS:
                parts.append(f"{name}={value!r}")
            else:
                break
        else:
            return ("=" + "\0".join(parts)).encode("utf-8")
    return b"#" + hashlib.blake2b(repr(ident(context)).encode("utf-8"), digest_size=16).digest()


def job_keys(jobs: list[PageJob]) -> list[bytes]:
    """The key of each job: its template, language and context_key. A page's languages share one context,
    whose key is worked out once."""
    given: dict[int, bytes] = {}  # id(context) -> its key, while `jobs` holds every context
    heads: dict[tuple[str, str], bytes] = {}  # (template, language) -> the start of their keys
    keys = []
    for job in jobs:
        context = given.get(id(job.context))
        if context is None:
            context = given[id(job.context)] = context_key(job.context)
        head = heads.get((job.template, job.lang))
        if head is None:
            head = heads[job.template, job.lang] = f"{job.template}\0{job.lang}\0".encode("utf-8")
        keys.append(head + context)
    return keys


def config_fingerprint(config: Config) -> bytes:
    """The settings that shape every output (a change rebuilds everything; the number of workers never does)."""
    return fingerprint(config.with_overrides(jobs=1))
