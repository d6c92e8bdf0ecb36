"""The site model: products in Vietnamese order, grouped into the listings the pages show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_

from .config import Config
from .diff import note_swap
from .images import Picture
from .content import Catalog
from .models import Commune, Group, Page, Producer, Product
from .refdata import RefData
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
    """A listing without its products, for pages that show only its name, link and count: equal from one
    build to the next while the count stays, so editing a product does not touch those pages (`serve`)."""

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


@dataclass(frozen=True)
class Stats:
    """The programme's honest figures on the build date (the statistics page): a certificate counts only
    while it is valid; one that ended no longer makes its product a certified OCOP product."""

    valid: int  # ranked products whose certificate is valid on the build date (those ending soon included)
    expiring: int  # of those, the ones ending within 90 days
    expired: int  # ranked products whose certificate has ended
    by_group: tuple[tuple[Group, tuple[int, ...]], ...]  # each group: products by STAT_LEVELS
    by_year: tuple[tuple[int, int, int], ...]  # (year, valid, expired) certificates by the year they end, every year

    @property
    def levels(self) -> tuple[str, ...]:
        return STAT_LEVELS

    @property
    def group_max(self) -> int:
        return max((sum(counts) for _, counts in self.by_group), default=0)

    @property
    def year_max(self) -> int:
        return max((valid + expired for _, valid, expired in self.by_year), default=0)


# The columns of Stats.by_group: valid certificates by star level, then expired certificates, then unranked.
STAT_LEVELS = ("5", "4", "3", "expired", "unranked")


def is_expired(product: Product, today: dt.date) -> bool:
    """Whether the product's certificate has ended on `today` (False without one)."""
    return product.certificate is not None and product.certificate.status(today) == "expired"


def programme_stats(products: tuple[Product, ...], groups: tuple[Group, ...], today: dt.date) -> Stats:
    """Count valid, expiring and expired certificates, products by group and level, certificates by end year."""
    levels = {(g.slug, level): 0 for g in groups for level in STAT_LEVELS}
    years: dict[int, list[int]] = {}
    valid = expiring = expired = 0
    for p in products:
        status = p.certificate.status(today) if p.is_ranked and p.certificate else None
        level = "unranked" if status is None else "expired" if status == "expired" else str(p.stars)
        levels[p.group.slug, level] = levels.get((p.group.slug, level), 0) + 1
        if status is None:
            continue
        expired += status == "expired"
        valid += status != "expired"
        expiring += status == "expiring"
        years.setdefault(p.certificate.valid_until.year, [0, 0])[status == "expired"] += 1  # type: ignore[union-attr]
    by_group = tuple((g, tuple(levels[g.slug, level] for level in STAT_LEVELS)) for g in groups)
    span = range(min(years), max(years) + 1) if years else range(0)
    by_year = tuple((year, *years.get(year, (0, 0))) for year in span)
    return Stats(valid, expiring, expired, by_group, by_year)  # type: ignore[arg-type]


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
    stats: Stats | None = None  # the statistics page's figures


def certificates_due(ranked: tuple[Product, ...], today: dt.date, before: tuple[Product, ...] | None = None) -> tuple[Product, ...]:
    """Ranked products whose certificate has expired or ends within 90 days, soonest first
    (`before`: the previous build's list, whose order is kept when nothing that decides it changed)."""
    due = [p for p in ranked if p.certificate and p.certificate.status(today) != "valid"]
    kept = _same_order(due, before, lambda p: (p.certificate.valid_until, p.title)) if before is not None else None
    return kept or tuple(sorted(due, key=lambda p: (p.certificate.valid_until, sort_key(p.title), p.slug)))  # type: ignore[union-attr]


def star_path(stars: int | None) -> str:
    return f"sao/{stars}-sao/" if stars else f"sao/{UNRANKED}/"


def by_title(products: list[Product] | tuple[Product, ...]) -> tuple[Product, ...]:
    """Products in Vietnamese alphabetical order of their titles (then slug, for ties)."""
    return tuple(sorted(products, key=lambda p: (sort_key(p.title), p.slug)))


def _same_order(products: list[Product], before: tuple[Product, ...], key=lambda p: p.title) -> tuple[Product, ...] | None:
    """The products in the previous build's order when they have the same slugs and the same `key` (what
    decides their order): the order sorting would give, without sorting. None when that cannot be known."""
    if len(products) != len(before):
        return None
    by_slug = {p.slug: p for p in products}
    ordered = tuple(by_slug.get(p.slug) for p in before)
    if any(new is None or new is not old and key(new) != key(old) for new, old in zip(ordered, before)):
        return None
    return ordered


def build_site(config: Config, catalog: Catalog, ref: RefData, pictures: dict[str, tuple[Picture, ...]],
               previous: Site | None = None, edits: list[tuple[Product, Product]] | None = None) -> Site:
    """Sort and group the catalog; drafts are left out.

    With the `previous` site (`serve` rebuilds), every part that is equal to the previous one is that
    very object, so an unchanged part costs nothing to compare (ocop.incremental). `edits`: the (old, new)
    records when the catalog is the previous one with only those products replaced (ocop.content), which
    lets the previous site be patched instead of sorted and grouped again when each keeps its place.
    """
    if previous is not None and edits is not None:
        patched = patch_site(previous, edits, pictures)
        if patched is not None:
            return patched
    published = [p for p in catalog.products if not p.draft]
    products = _same_order(published, previous.products) if previous is not None else None
    products = products or by_title(published)
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
    featured = tuple(p for p in products if p.featured and not is_expired(p, config.today))  # expired: not featured
    pages = tuple(sorted(catalog.pages, key=lambda p: (p.order, sort_key(p.title), p.slug)))
    ranked = tuple(p for p in products if p.is_ranked)
    counts = {slug: len(made) for slug, made in by_producer.items()}
    site = Site(config, config.today, products, producers, pages, groups, communes, stars, featured, by_producer,
                counts, pictures, ranked, certificates_due(ranked, config.today, previous.certificates_due if previous else None),
                {"group": tuple(map(head, groups)), "commune": tuple(map(head, communes)), "stars": tuple(map(head, stars))},
                {"products": len(products), "ranked": len(ranked)}, programme_stats(products, ref.groups, config.today))
    return site if previous is None else reuse_equal(site, previous)


def _same(new: object, old: object) -> object:
    """`old` when equal to `new` (so later comparisons stop at identity), else `new` with equal parts reused."""
    if new is old:
        return old
    if isinstance(new, tuple) and isinstance(old, tuple):
        if new == old:
            return old
        if all(isinstance(x, Listing) for x in new):
            olds = {(x.kind, x.slug): x for x in old if isinstance(x, Listing)}
            return tuple(_same(x, olds.get((x.kind, x.slug))) for x in new)
        return new
    if isinstance(new, dict) and isinstance(old, dict):
        merged = {k: (old[k] if k in old and (v is old[k] or v == old[k]) else v) for k, v in new.items()}
        return old if merged.keys() == old.keys() and all(merged[k] is old[k] for k in merged) else merged
    return old if new == old else new


def reuse_equal(site: Site, previous: Site) -> Site:
    """The site with every field (and listing, and mapping value) that equals the previous one replaced by it."""
    fields = {name: _same(getattr(site, name), getattr(previous, name)) for name in site.__dataclass_fields__}
    return Site(**fields)


def _placed_alike(old: Product, new: Product, today: dt.date) -> bool:
    """Whether `new` takes the place of `old` in every list of the site: the same order and the same groups."""
    def due(p: Product) -> tuple | None:
        return (p.certificate.status(today) != "valid", p.certificate.valid_until) if p.certificate else None

    return (old.slug == new.slug and old.title == new.title and old.draft == new.draft and old.featured == new.featured
            and old.stars == new.stars and old.group.slug == new.group.slug and old.producer is new.producer
            and old.place.commune.slug == new.place.commune.slug and due(old) == due(new))


def _swap(items: tuple[Product, ...], old: Product, new: Product) -> tuple[Product, ...]:
    """`items` with `new` wherever `old` stands (found by identity, at C speed); `items` itself when absent.
    The new tuple is noted as made from `items` (ocop.diff), so comparing the two later costs nothing."""
    at = list(compress(range(len(items)), map(is_, items, repeat(old))))
    if not at:
        return items
    swapped = list(items)
    for i in at:
        swapped[i] = new
    made = tuple(swapped)
    note_swap(made, items, at)
    return made


def _swap_listings(listings: tuple[Listing, ...], old: Product, new: Product) -> tuple[Listing, ...]:
    swapped = tuple(dataclasses.replace(listing, products=_swap(listing.products, old, new))
                    if any(map(is_, listing.products, repeat(old))) else listing for listing in listings)
    return listings if all(map(is_, swapped, listings)) else swapped


def patch_site(previous: Site, edits: list[tuple[Product, Product]], pictures: dict[str, tuple[Picture, ...]]) -> Site | None:
    """The previous site with each edited product in its old product's places (the site build_site would make,
    with the unchanged parts the previous objects); None when an edit moves a product or changes a group."""
    site = previous
    for old, new in edits:
        if not _placed_alike(old, new, previous.today):
            return None
        if old.draft or old == new:
            continue
        products = _swap(site.products, old, new)
        if products is site.products:
            return None  # not the site this catalog was made from
        slug = new.producer.slug
        made = {**site.products_by_producer, slug: _swap(site.products_by_producer[slug], old, new)}
        site = dataclasses.replace(
            site, products=products, featured=_swap(site.featured, old, new), ranked=_swap(site.ranked, old, new),
            certificates_due=_swap(site.certificates_due, old, new), products_by_producer=made,
            groups=_swap_listings(site.groups, old, new), communes=_swap_listings(site.communes, old, new),
            star_levels=_swap_listings(site.star_levels, old, new))
    if pictures is not previous.pictures and pictures != previous.pictures:
        site = dataclasses.replace(site, pictures=pictures)
    return site
