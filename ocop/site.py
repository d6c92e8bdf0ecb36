"""The site model: products in Vietnamese order, grouped into the listings the pages show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .config import Config
from .images import Picture
from .content import Catalog
from .models import Commune, Group, Page, Producer, Product
from .refdata import RefData
from .stats import Stats, is_expired, programme_stats
from .text import sort_key

STAR_LEVELS = (5, 4, 3)
UNRANKED = "chua-xep-hang"


@dataclass(frozen=True)
class Listing:
    """A page that lists products: one group, one commune or one star level."""

    kind: str
    slug: str
    title: str
    products: tuple[Product, ...]
    path: str
    group: Group | None = None
    commune: Commune | None = None
    stars: int | None = None


@dataclass(frozen=True)
class ListingHead:
    """A listing without its products, for pages that show only its name, link and count (so editing a
    listed product does not change what those pages read)."""

    kind: str
    slug: str
    title: str
    path: str
    count: int
    group: Group | None = None
    commune: Commune | None = None
    stars: int | None = None


def head(listing: Listing) -> ListingHead:
    return ListingHead(listing.kind, listing.slug, listing.title, listing.path, len(listing.products),
                       listing.group, listing.commune, listing.stars)


def attract_products(site: "Site") -> tuple[Product, ...]:
    """What the kiosk's attract loop shows: the featured products, else the first six still certified or unranked."""
    return site.featured or tuple(p for p in site.products if not is_expired(p, site.today))[:6]


@dataclass(frozen=True)
class Site:
    """Everything the templates need, sorted and grouped; no file I/O."""

    config: Config
    today: dt.date
    products: tuple[Product, ...]
    producers: tuple[Producer, ...]
    pages: tuple[Page, ...]
    groups: tuple[Listing, ...]
    communes: tuple[Listing, ...]
    star_levels: tuple[Listing, ...]
    featured: tuple[Product, ...]
    products_by_producer: dict[str, tuple[Product, ...]]
    product_counts: dict[str, int]  # producer slug -> how many products (pages that show only the count)
    pictures: dict[str, tuple[Picture, ...]]
    ranked: tuple[Product, ...]  # products with 3, 4 or 5 stars
    certificates_due: tuple[Product, ...]  # ranked, certificate expired or ending within 90 days, soonest first
    heads: dict[str, tuple[ListingHead, ...]]  # "group", "commune", "stars" -> the listings without products
    counts: dict[str, int]  # "products", "ranked" -> how many (pages that show only the number)
    shelf: dict  # product slug -> ocop.showroom.ShelfItem (content/showroom.yaml)
    stats: Stats  # the statistics page's figures


def certificates_due(ranked: tuple[Product, ...], today: dt.date) -> tuple[Product, ...]:
    """Ranked products whose certificate has expired or ends within 90 days, soonest first."""
    due = [p for p in ranked if p.certificate and p.certificate.status(today) != "valid"]
    return tuple(sorted(due, key=lambda p: (p.certificate.valid_until, sort_key(p.title), p.slug)))  # type: ignore[union-attr]


def star_path(stars: int | None) -> str:
    return f"sao/{stars}-sao/" if stars else f"sao/{UNRANKED}/"


def by_title(products: list[Product] | tuple[Product, ...]) -> tuple[Product, ...]:
    """Products in Vietnamese alphabetical order of their titles (then slug, for ties)."""
    return tuple(sorted(products, key=lambda p: (sort_key(p.title), p.slug)))


class NamedMap(dict):
    """A mapping the templates read: while `reads` is a set (ocop.render sets it for the page being rendered),
    each look-up of a key records "<name>/<key>", and anything that sees every key (its length, iterating it)
    records "<name>". A map made `whole` records "<name>" for every look-up too: a language's interface text,
    of which every page reads dozens of keys (most of them on every page), is one name."""

    __slots__ = ("name", "whole")
    reads: set[str] | None = None  # shared by every map of the process: one page renders at a time

    def __init__(self, name: str, items=(), whole: bool = False):
        super().__init__(items)
        self.name = name
        self.whole = whole

    def _key(self, key: object) -> None:
        if NamedMap.reads is not None:
            NamedMap.reads.add(self.name if self.whole else f"{self.name}/{key}")

    def _all(self) -> None:
        if NamedMap.reads is not None:
            NamedMap.reads.add(self.name)

    def __getitem__(self, key):
        self._key(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):  # recorded here, without a call to _key: templates read t.<key> a lot
        if NamedMap.reads is not None:
            NamedMap.reads.add(self.name if self.whole else f"{self.name}/{key}")
        return dict.get(self, key, default)

    def __contains__(self, key) -> bool:
        self._key(key)
        return dict.__contains__(self, key)

    def __len__(self) -> int:
        self._all()
        return dict.__len__(self)

    def __iter__(self):
        self._all()
        return dict.__iter__(self)

    def keys(self):
        self._all()
        return dict.keys(self)

    def values(self):
        self._all()
        return dict.values(self)

    def items(self):
        self._all()
        return dict.items(self)


FEATURED_SHOWN = 24  # featured products on the home pages and in the kiosk's attract loop (2, 3 or 4 columns)


def featured_products(products: tuple[Product, ...], today: dt.date) -> tuple[Product, ...]:
    """The products marked `featured` whose certificate has not expired (an expired one is not featured), in
    catalog order; the home pages show the first FEATURED_SHOWN."""
    return tuple(p for p in products if p.featured and not is_expired(p, today))


def shelf_products(site: Site) -> tuple[Product, ...]:
    """The products on the showroom's shelf (content/showroom.yaml), in catalog order."""
    return tuple(p for p in site.products if p.slug in site.shelf)


def build_site(config: Config, catalog: Catalog, ref: RefData, pictures: dict[str, tuple[Picture, ...]]) -> Site:
    """Sort and group the catalog; drafts are left out."""
    products = by_title([p for p in catalog.products if not p.draft])
    by_group: dict = {}
    by_commune: dict = {}
    by_stars: dict = {}
    made: dict = {}
    for p in products:  # one pass (each listing keeps the catalog order)
        by_group.setdefault(p.group.slug, []).append(p)
        by_commune.setdefault(p.place.commune.slug, []).append(p)
        by_stars.setdefault(p.stars if p.is_ranked else None, []).append(p)
        made.setdefault(p.producer.slug, []).append(p)
    groups = tuple(Listing("group", g.slug, g.name, tuple(by_group.get(g.slug, ())), g.path, group=g) for g in ref.groups)
    communes = tuple(
        Listing("commune", c.slug, c.name, tuple(by_commune.get(c.slug, ())), c.path, commune=c)
        for c in sorted(ref.communes, key=lambda c: sort_key(c.name))
    )
    stars = tuple(
        Listing("stars", f"{s}-sao", f"OCOP {s} sao", tuple(by_stars.get(s, ())), star_path(s), stars=s)
        for s in STAR_LEVELS
    ) + (Listing("stars", UNRANKED, "Chưa xếp hạng", tuple(by_stars.get(None, ())), star_path(None)),)
    producers = tuple(sorted(catalog.producers, key=lambda p: (sort_key(p.name), p.slug)))
    by_producer = {pr.slug: tuple(made.get(pr.slug, ())) for pr in producers}
    featured = featured_products(products, config.today)[:FEATURED_SHOWN]  # a larger catalog's home stays small
    pages = tuple(sorted(catalog.pages, key=lambda p: (p.order, sort_key(p.title), p.slug)))
    ranked = tuple(p for p in products if p.is_ranked)
    counts = {slug: len(made) for slug, made in by_producer.items()}
    return Site(config, config.today, products, producers, pages, groups, communes, stars, featured,
                NamedMap("site:products_by_producer", by_producer), NamedMap("site:product_counts", counts),
                NamedMap("site:pictures", pictures), ranked, certificates_due(ranked, config.today),
                NamedMap("site:heads", {"group": tuple(map(head, groups)), "commune": tuple(map(head, communes)),
                                        "stars": tuple(map(head, stars))}),
                NamedMap("site:counts", {"products": len(products), "ranked": len(ranked)}),
                NamedMap("site:shelf", catalog.shelf), programme_stats(products, ref.groups, config.today))
