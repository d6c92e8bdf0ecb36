"""The pages of the site: every HTML page to render, as jobs, in a fixed order; long lists in pages of PER_PAGE."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Product
from .paths import LANGUAGES, REDIRECT, PageJob, in_language
from .site import Site, shelf_products

PER_PAGE = 48  # products on one page of a listing (a multiple of the 2, 3 and 4 columns of the card grid)
LABELS_PER_SHEET = 8  # shelf labels on one A4 sheet: 2 columns x 4 rows (assets/print.css)
LABELS_PER_PAGE = 6 * LABELS_PER_SHEET  # one printable page of labels: 6 A4 sheets
PRODUCERS_PER_PAGE = 400  # producers on one page of chu-the/ (2,500 at 10,000 products: 7 pages of about 90 KB)
DUE_ON_STATS = 20  # certificates expired or ending soon in the statistics page's table (the soonest)
DUE_PATH = "thong-ke/giay-chung-nhan/"  # all of them, DUE_PER_PAGE a page
DUE_PER_PAGE = 100


@dataclass(frozen=True)
class Pager:
    """One page of a long list: its number, how many pages there are, and the first page's path."""

    number: int
    count: int
    base: str  # the page path of page 1 ("nhom/thuc-pham/"); page n is at <base>trang/<n>/
    total: int  # items in the whole list
    first: int  # the number of this page's first item in the whole list (from 1)
    last: int  # and of its last item

    def path(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}trang/{number}/"

    @property
    def here(self) -> str:
        return self.path(self.number)

    @property
    def prev(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.count else None


def paginate(base: str, products: tuple, per: int = PER_PAGE) -> list[tuple[Pager, tuple]]:
    """The pages of a list of products, or of producers (one empty page for an empty list)."""
    count = max(1, -(-len(products) // per))
    return [(Pager(n + 1, count, base, len(products), n * per + 1, min((n + 1) * per, len(products))),
             products[n * per:(n + 1) * per]) for n in range(count)]


def paged_jobs(base: str, template: str, products: tuple, context: dict, per: int = PER_PAGE,
               name: str = "products") -> list[PageJob]:
    """One job per page of `products` (given to the template as `name`): page 1 at `base`, the others under
    <base>trang/<n>/."""
    return [PageJob(pager.here + "index.html", template, {**context, name: part, "pager": pager})
            for pager, part in paginate(base, products, per)]


def print_sets(site: Site) -> list[tuple[str, str, object, tuple[Product, ...]]]:
    """(kind, path below in-nhan/, listing or None, products) of every set of labels and posters to print: the
    whole catalog while it fits on one print page (a larger one is printed by listing), the products on the
    showroom's shelf, then each star level, group and commune."""
    sets: list[tuple[str, str, object, tuple[Product, ...]]] = []
    if len(site.products) <= LABELS_PER_PAGE:
        sets.append(("all", "san-pham/", None, site.products))
    shelf = shelf_products(site)
    if shelf:
        sets.append(("shelf", "quay-hang/", None, shelf))
    sets += [(listing.kind, listing.path, listing, listing.products)
             for listing in site.star_levels + site.groups + site.communes if listing.products]
    return sets


def _each_language(made: list[PageJob]) -> list[PageJob]:
    return [in_language(job, lang) for lang in LANGUAGES for job in made]


def print_jobs(site: Site) -> list[PageJob]:
    """The printable labels and posters (in-nhan/), in the default language only: they are printed for the
    showroom's shelves, and their QR code opens the default-language traceability page, which links to the
    others (`languages` tells the page it has no other language)."""
    sets = print_sets(site)
    counts = [(kind, path, listing, len(products)) for kind, path, listing, products in sets]
    only = {"languages": LANGUAGES[:1]}
    made = [PageJob("in-nhan/index.html", "print_index.html", {"sets": counts, **only})]
    for kind, path, listing, products in sets:  # one page shows a set's labels, or its posters (#ap-phich)
        context = {"listing": listing, "set_kind": kind, "set_path": path, "per_sheet": LABELS_PER_SHEET, **only}
        made += paged_jobs("in-nhan/" + path, "print.html", products, context, LABELS_PER_PAGE)
    return made


def page_jobs(site: Site) -> list[PageJob]:
    """Every public HTML page in every language (the others under <lang>/), then the print pages."""
    made = [PageJob("index.html", "home.html")]
    made += paged_jobs("san-pham/", "products.html", site.products, {})
    for p in site.products:
        made.append(PageJob(p.path + "index.html", "product.html", {"product": p}))
        if p.traceability:
            made.append(PageJob(p.traceability.path + "index.html", REDIRECT, {"product": p}))
    made += paged_jobs("chu-the/", "producers.html", site.producers, {}, PRODUCERS_PER_PAGE, "producers")
    for producer in site.producers:
        made += paged_jobs(producer.path, "producer.html", site.products_by_producer[producer.slug], {"producer": producer})
    made += [PageJob("nhom/index.html", "listings.html", {"listings": site.heads["group"], "kind": "group"}),
             PageJob("xa/index.html", "listings.html", {"listings": site.heads["commune"], "kind": "commune"}),
             PageJob("sao/index.html", "listings.html", {"listings": site.heads["stars"], "kind": "stars"})]
    for listing in site.groups + site.communes + site.star_levels:
        made += paged_jobs(listing.path, "listing.html", listing.products, {"listing": listing})
    made += [PageJob(p.path + "index.html", "page.html", {"page": p}) for p in site.pages]
    made += [PageJob("thong-ke/index.html", "stats.html", {"due_shown": DUE_ON_STATS, "due_path": DUE_PATH}),
             PageJob("tim-kiem/index.html", "search.html")]
    if len(site.certificates_due) > DUE_ON_STATS:  # the rest on their own pages, the statistics page stays small
        made += paged_jobs(DUE_PATH, "certificates.html", site.certificates_due, {}, DUE_PER_PAGE)
    made.append(PageJob("404.html", "404.html"))
    return _each_language(made) + print_jobs(site)
