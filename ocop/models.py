"""The catalog's records: products, producers, pages and the reference data they use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .text import add_months, commune_key, fold

VALIDITY_MONTHS = 36
EXPIRING_DAYS = 90
# The Vietnamese wording of Place.label outside templates (the same strings as data/i18n/vi.yaml).
PLACE_FORMATS_VI = {"place_former": "{commune} (xã {former} cũ)", "place_former_named": "{commune} ({former} cũ)"}


@dataclass(frozen=True)
class Group:
    """One of the OCOP product groups (Decision 148/QĐ-TTg)."""

    slug: str
    name: str
    name_en: str

    @property
    def path(self) -> str:
        return f"nhom/{self.slug}/"


@dataclass(frozen=True)
class Commune:
    """A commune formed on 1 July 2025, with the former names it absorbed."""

    name: str
    slug: str
    code: str
    former: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"xa/{self.slug}/"


@dataclass(frozen=True)
class Place:
    """A commune as written in a file, resolved to the current commune."""

    commune: Commune
    written: str

    @property
    def former_name(self) -> str | None:
        """The former commune name when the file used one, else None."""
        if commune_key(self.written) == commune_key(self.commune.name):
            return None
        return self.written

    @property
    def label(self) -> str:
        """ "Tân Thành (xã Hòa Lạc cũ)" for a former name, else the commune's name (Vietnamese, for data files)."""
        return self.label_in(PLACE_FORMATS_VI)

    def label_in(self, formats: Mapping[str, str]) -> str:
        """The label with the wording of one language: the `place_former` and `place_former_named`
        format strings of its translation file ({commune}, {former})."""
        former = self.former_name
        if former is None:
            return self.commune.name
        key = "place_former_named" if fold(former).startswith(("thi tran", "xa ")) else "place_former"
        return formats[key].replace("{commune}", self.commune.name).replace("{former}", former)


@dataclass(frozen=True)
class Certificate:
    """The OCOP certificate: decision number, date, issuer and end of validity."""

    number: str
    date: dt.date
    issuer: str
    valid_until: dt.date

    @staticmethod
    def default_valid_until(date: dt.date) -> dt.date:
        return add_months(date, VALIDITY_MONTHS)

    def days_left(self, today: dt.date) -> int:
        return (self.valid_until - today).days

    def status(self, today: dt.date) -> str:
        """ "valid", "expiring" (90 days or fewer left) or "expired" on `today`."""
        left = self.days_left(today)
        if left < 0:
            return "expired"
        if left <= EXPIRING_DAYS:
            return "expiring"
        return "valid"


@dataclass(frozen=True)
class JourneyStep:
    """One step of the supply chain."""

    date: dt.date
    stage: str
    place: str
    note: str


@dataclass(frozen=True)
class Traceability:
    """Where the product comes from and how it got here."""

    code: str
    origin: str
    standards: tuple[str, ...]
    portal: str
    journey: tuple[JourneyStep, ...]

    @property
    def slug(self) -> str:
        return self.code.lower()

    @property
    def path(self) -> str:
        return f"truy-xuat/{self.slug}/"


@dataclass(frozen=True)
class Link:
    """A labelled outside link (an online shop)."""

    label: str
    url: str


@dataclass(frozen=True)
class Image:
    """A photo of a product, as a file beside its Markdown."""

    source: Path
    name: str
    alt: str
    line: int = 0


@dataclass(frozen=True)
class Producer:
    """The OCOP owner (chủ thể): a cooperative, firm or household."""

    slug: str
    source: str
    name: str
    name_en: str
    kind: str
    place: Place | None
    address: str
    phone: str
    email: str
    website: str
    representative: str
    body_html: str
    sample_note: str
    body_en_html: str = ""

    @property
    def path(self) -> str:
        return f"chu-the/{self.slug}/"

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email or self.website or self.address)


@dataclass(frozen=True)
class Product:
    """One OCOP product, validated and ready to render."""

    slug: str
    source: str
    title: str
    title_en: str
    stars: int | None
    group: Group
    place: Place
    producer: Producer
    certificate: Certificate | None
    traceability: Traceability | None
    price: int | None
    unit: str
    images: tuple[Image, ...]
    buy: tuple[Link, ...]
    tags: tuple[str, ...]
    featured: bool
    draft: bool
    body_html: str
    body_en_html: str
    sample_note: str
    sources: tuple[str, ...] = field(default=())

    @property
    def path(self) -> str:
        return f"san-pham/{self.slug}/"

    @property
    def is_ranked(self) -> bool:
        return self.stars is not None


@dataclass(frozen=True)
class Page:
    """A free page: the programme, the showroom, news."""

    slug: str
    source: str
    title: str
    title_en: str
    description: str
    order: int
    body_html: str
    body_en_html: str

    @property
    def path(self) -> str:
        return f"trang/{self.slug}/"


def _hash_once(record) -> int:
    """A record's hash, worked out on first use and kept on it: records never change once made, and the
    builds of one process (serve) look the same records up by value many times (ocop.parts.per_record)."""
    known = record.__dict__.get("_hash")
    if known is None:
        known = hash(tuple(getattr(record, name) for name in record.__dataclass_fields__))
        object.__setattr__(record, "_hash", known)
    return known


def _state_without_hash(record) -> dict:
    """What pickle keeps of a record: its fields, never the kept hash (string hashes differ between processes)."""
    state = dict(record.__dict__)
    state.pop("_hash", None)
    return state


for _record in (Producer, Product, Page):
    _record.__hash__ = _hash_once  # type: ignore[assignment,method-assign]
    _record.__getstate__ = _state_without_hash  # type: ignore[attr-defined]
