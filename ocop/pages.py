"""The pages of the site: every HTML page to render, as jobs, in a fixed order."""

from __future__ import annotations

from .render import LANGUAGES, PageJob, in_language
from .site import Site

LABELS_PER_SHEET = 8  # shelf labels on one A4 sheet: 2 columns x 4 rows (assets/print.css)


def _each_language(made: list[PageJob]) -> list[PageJob]:
    return [in_language(job, lang) for lang in LANGUAGES for job in made]


def page_jobs(site: Site) -> list[PageJob]:
    """Every public HTML page in every language (the others under <lang>/)."""
    made = [PageJob("index.html", "home.html"),
            PageJob("san-pham/index.html", "products.html", {"products": site.products})]
    for p in site.products:
        made.append(PageJob(p.path + "index.html", "product.html", {"product": p}))
        if p.traceability:
            made.append(PageJob(p.traceability.path + "index.html", "trace.html", {"product": p}))
    made.append(PageJob("chu-the/index.html", "producers.html"))
    for producer in site.producers:
        made.append(PageJob(producer.path + "index.html", "producer.html",
                            {"producer": producer, "products": site.products_by_producer[producer.slug]}))
    made += [PageJob("nhom/index.html", "listings.html", {"listings": site.heads["group"], "kind": "group"}),
             PageJob("xa/index.html", "listings.html", {"listings": site.heads["commune"], "kind": "commune"}),
             PageJob("sao/index.html", "listings.html", {"listings": site.heads["stars"], "kind": "stars"})]
    made += [PageJob(listing.path + "index.html", "listing.html", {"listing": listing})
             for listing in site.groups + site.communes + site.star_levels]
    made += [PageJob(p.path + "index.html", "page.html", {"page": p}) for p in site.pages]
    made += [PageJob("thong-ke/index.html", "stats.html"), PageJob("tim-kiem/index.html", "search.html"),
             PageJob("in-nhan/index.html", "labels.html", {"per_sheet": LABELS_PER_SHEET}),
             PageJob("in-nhan/poster/index.html", "posters.html"), PageJob("404.html", "404.html")]
    return _each_language(made)
