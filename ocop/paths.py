"""Where pages live: one job per page, and the same page's path in each language."""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("vi", "en")  # the first is the default, built at the root; the others under <lang>/
LOCALES = {"vi": "vi_VN", "en": "en_US"}
REDIRECT = "redirect.html"  # the template of a page that only sends the reader on (not in the sitemap)
KIOSK = "kiosk/"  # the kiosk keeps its other languages inside its own folder (kiosk/en/), under its offline worker


@dataclass(slots=True)
class PageJob:
    """One HTML page to render: where it goes, which template, and what it shows (never changed once made;
    not frozen, which makes a catalog's jobs four times slower to list)."""

    path: str
    template: str
    context: dict = field(default_factory=dict)
    lang: str = LANGUAGES[0]

    @property
    def url_path(self) -> str:
        """The page's path below the base URL ("en/san-pham/x/"); "" for the home page."""
        return self.path.removesuffix("index.html")

    @property
    def page_path(self) -> str:
        """The page's path without its language ("san-pham/x/" for both languages)."""
        return unlocalised(self.url_path, self.lang)


def localised(path: str, lang: str) -> str:
    """Where a page path lives in a language: "san-pham/x/" -> "en/san-pham/x/", "kiosk/sao/" -> "kiosk/en/sao/"."""
    if lang == LANGUAGES[0]:
        return path
    if path.startswith(KIOSK):
        return f"{KIOSK}{lang}/{path[len(KIOSK):]}"
    return f"{lang}/{path}"


def in_language(job: PageJob, lang: str) -> PageJob:
    """The same page in another language (at its localised path)."""
    return PageJob(localised(job.path, lang), job.template, job.context, lang)


def unlocalised(path: str, lang: str) -> str:
    """The language-free page path of a localised one (the inverse of localised)."""
    if lang == LANGUAGES[0]:
        return path
    if path.startswith(f"{KIOSK}{lang}/"):
        return KIOSK + path[len(f"{KIOSK}{lang}/"):]
    return path.removeprefix(f"{lang}/")


def is_page(path: str) -> bool:
    """Whether a site path names a page (a folder or an .html file) rather than a shared file (photo, asset)."""
    path = path.split("#", 1)[0].split("?", 1)[0]
    return path == "" or path.endswith(("/", ".html"))
