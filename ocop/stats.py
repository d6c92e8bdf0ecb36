"""The programme's honest figures on the build date: certificates that count, and the charts' numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Group, Product


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
