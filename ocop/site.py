"""The site model: products in Vietnamese order, grouped into the listings the pages show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .config import Config
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
    pictures: dict[str, tuple[Picture, ...]]

    @property
    def ranked(self) -> tuple[Product, ...]:
        return tuple(p for p in self.products if p.is_ranked)

    def certificates_due(self) -> tuple[Product, ...]:
        """Ranked products whose certificate has expired or ends within 90 days, soonest first."""
        due = [p for p in self.ranked if p.certificate and p.certificate.status(self.today) != "valid"]
        return tuple(sorted(due, key=lambda p: (p.certificate.valid_until, sort_key(p.title))))  # type: ignore[union-attr]


def star_path(stars: int | None) -> str:
    return f"sao/{stars}-sao/" if stars else f"sao/{UNRANKED}/"


def by_title(products: list[Product] | tuple[Product, ...]) -> tuple[Product, ...]:
    """Products in Vietnamese alphabetical order of their titles (then slug, for ties)."""
    return tuple(sorted(products, key=lambda p: (sort_key(p.title), p.slug)))


def build_site(config: Config, catalog: Catalog, ref: RefData, pictures: dict[str, tuple[Picture, ...]]) -> Site:
    """Sort and group the catalog; drafts are left out."""
    products = by_title([p for p in catalog.products if not p.draft])
    groups = tuple(
        Listing("group", g.slug, g.name, tuple(p for p in products if p.group == g), g.path, group=g)
        for g in ref.groups
    )
    communes = tuple(
        Listing("commune", c.slug, c.name, tuple(p for p in products if p.place.commune == c), c.path, commune=c)
        for c in sorted(ref.communes, key=lambda c: sort_key(c.name))
    )
    stars = tuple(
        Listing("stars", f"{s}-sao", f"OCOP {s} sao", tuple(p for p in products if p.stars == s), star_path(s), stars=s)
        for s in STAR_LEVELS
    ) + (Listing("stars", UNRANKED, "Chưa xếp hạng", tuple(p for p in products if not p.is_ranked), star_path(None)),)
    producers = tuple(sorted(catalog.producers, key=lambda p: (sort_key(p.name), p.slug)))
    by_producer = {pr.slug: tuple(p for p in products if p.producer.slug == pr.slug) for pr in producers}
    featured = tuple(p for p in products if p.featured)
    pages = tuple(sorted(catalog.pages, key=lambda p: (p.order, sort_key(p.title), p.slug)))
    return Site(config, config.today, products, producers, pages, groups, communes, stars, featured, by_producer, pictures)
