"""English pages: translation files, the en/ build, fallbacks to Vietnamese text, the language switch."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import ROOT, parse_html
from browser_support import static_server

BASE = "https://example.github.io/ocop-huu-lung/"


def translations(lang: str) -> dict:
    return yaml.safe_load((ROOT / "data" / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))


def test_english_translation_has_exactly_the_vietnamese_keys():
    vi, en = translations("vi"), translations("en")
    assert set(en) == set(vi), {"missing in en.yaml": set(vi) - set(en), "not in vi.yaml": set(en) - set(vi)}
    assert all(str(v).strip() for v in en.values())


def test_templates_hold_no_vietnamese_interface_text():
    letters = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("{#"):
                continue
            assert not letters & set(line.lower()), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


ADMIN_PAGE = "admin/index.html"  # the web forms (ocop.admin): a tool for staff with its own interface language
PRINT_PAGES = "in-nhan/"  # labels and posters for the showroom's shelves: printed in Vietnamese only


def test_every_page_is_built_in_both_languages(sample_output: Path):
    pages = {p.relative_to(sample_output).as_posix() for p in sample_output.rglob("*.html")
             if not p.relative_to(sample_output).as_posix().startswith(PRINT_PAGES)} - {ADMIN_PAGE}
    vietnamese = {p for p in pages if not p.startswith(("en/", "kiosk/en/"))}
    for path in vietnamese:
        english = "kiosk/en/" + path[len("kiosk/"):] if path.startswith("kiosk/") else "en/" + path
        assert english in pages, path
    assert len(pages) == 2 * len(vietnamese)
    assert parse_html(sample_output / "en" / "index.html").find("html").attrs["lang"] == "en"
    assert parse_html(sample_output / "index.html").find("html").attrs["lang"] == "vi"
    assert parse_html(sample_output / "kiosk" / "en" / "index.html").find("html").attrs["lang"] == "en"


def test_english_pages_link_to_english_pages_and_shared_files(sample_output: Path):
    doc = parse_html(sample_output / "en" / "san-pham" / "na-cai-kinh" / "index.html")
    nav = [a.attrs["href"] for a in doc.find("nav", **{"aria-label": "Main navigation"}).find_all("a")]
    assert nav and all(h.startswith("/ocop-huu-lung/en/") for h in nav)
    assert doc.find("h1").text == "Cai Kinh custard apple"
    photo = doc.find("img", class_="photo").attrs["src"]
    assert photo.startswith("/ocop-huu-lung/san-pham/na-cai-kinh/") and (sample_output / photo.removeprefix("/ocop-huu-lung/")).is_file()
    assert doc.find("link", rel="stylesheet").attrs["href"].startswith("/ocop-huu-lung/assets/")
    assert "Food" in doc.text and "Thực phẩm" not in doc.text  # the group's English name from data/groups.yaml


def test_text_not_given_in_english_is_shown_in_vietnamese_with_a_note(sample_output: Path):
    doc = parse_html(sample_output / "en" / "san-pham" / "tra-day-tuan-son" / "index.html")  # no body_en
    prose = doc.find("section", class_="prose")
    assert prose.find("p", class_="lang-note").text == "This text is only available in Vietnamese."
    story = prose.find("div", lang="vi")
    assert story is not None and story.text  # the Vietnamese text, marked as Vietnamese, never nothing
    given = parse_html(sample_output / "en" / "san-pham" / "na-cai-kinh" / "index.html").find("section", class_="prose")
    assert given.find("p", class_="lang-note") is None and given.find("div", lang="vi") is None
    vietnamese = parse_html(sample_output / "san-pham" / "tra-day-tuan-son" / "index.html").find("section", class_="prose")
    assert vietnamese.find("p", class_="lang-note") is None


def test_producers_have_an_english_story_when_given(sample_output: Path):
    english = parse_html(sample_output / "en" / "chu-the" / "htx-cai-kinh" / "index.html").find("div", class_="prose")
    assert english.text.startswith("Cai Kinh Cooperative farms the limestone hills")
    assert english.find("p", class_="lang-note") is None and english.find("div", lang="vi") is None
    vietnamese = parse_html(sample_output / "chu-the" / "htx-cai-kinh" / "index.html").find("div", class_="prose")
    assert vietnamese.text.startswith("Hợp tác xã Cai Kinh ở vùng núi đá vôi")
    other = parse_html(sample_output / "en" / "chu-the" / "htx-hoa-lac" / "index.html").find("div", class_="prose")
    assert other.find("p", class_="lang-note").text == "This text is only available in Vietnamese."  # no body_en


def test_untranslated_title_is_marked_vietnamese(make_site, build, tmp_path: Path):
    content = make_site()  # the fixture product has no title_en and no body_en
    assert build(content)[0] == 0
    doc = parse_html(tmp_path / "output" / "en" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")
    h1 = doc.find("h1")
    assert h1.text == "Mật ong rừng Hữu Liên" and h1.attrs.get("lang") == "vi"
    assert "This text is only available in Vietnamese." in doc.text


def test_prices_and_former_commune_names_follow_the_language(make_site, build, tmp_path: Path):
    content = make_site()
    path = content / "products" / "mat-ong-rung-huu-lien.md"
    path.write_text(path.read_text(encoding="utf-8").replace("commune: Hữu Liên", "commune: Yên Vượng"), encoding="utf-8")
    assert build(content)[0] == 0
    out = tmp_path / "output"
    vi = parse_html(out / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")
    en = parse_html(out / "en" / "san-pham" / "mat-ong-rung-huu-lien" / "index.html")
    assert vi.find("span", class_="price").text == "250.000 ₫ / chai 500 ml"
    assert en.find("span", class_="price").text == "250,000 ₫ / chai 500 ml"
    assert "Cai Kinh (xã Yên Vượng cũ)" in vi.text
    assert "Cai Kinh (former Yên Vượng commune)" in en.text


def test_sitemap_lists_english_pages_with_alternates(sample_output: Path):
    text = (sample_output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}en/san-pham/na-cai-kinh/</loc>" in text
    assert f"<loc>{BASE}san-pham/na-cai-kinh/</loc>" in text
    assert f'hreflang="en" href="{BASE}en/san-pham/na-cai-kinh/"' in text
    assert f'hreflang="x-default" href="{BASE}san-pham/na-cai-kinh/"' in text


def _switch_round_trip(browser, root: Path, start: str, switch: str, other: str, other_lang: str, heading: str) -> None:
    base = static_server(root, "/ocop-huu-lung/")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(base + start)
        first_heading = page.locator("h1").inner_text()
        page.locator(switch).click()
        page.wait_for_url(base + other)
        assert page.locator("html").get_attribute("lang") == other_lang
        assert page.locator("h1").inner_text() == heading
        page.locator(switch).click()
        page.wait_for_url(base + start)
        assert page.locator("h1").inner_text() == first_heading
    finally:
        ctx.close()


def test_language_switch_lands_on_the_same_product_and_back(browser, sample_output: Path):
    _switch_round_trip(browser, sample_output, "san-pham/na-cai-kinh/", "a.lang-switch",
                       "en/san-pham/na-cai-kinh/", "en", "Cai Kinh custard apple")


def test_kiosk_language_switch_stays_in_the_kiosk(browser, sample_output: Path):
    _switch_round_trip(browser, sample_output, "kiosk/san-pham/na-cai-kinh/", "a.k-lang",
                       "kiosk/en/san-pham/na-cai-kinh/", "en", "Cai Kinh custard apple")


def test_producer_kinds_and_counts_are_translated(sample_output: Path):
    en = parse_html(sample_output / "en" / "chu-the" / "index.html").text
    vi = parse_html(sample_output / "chu-the" / "index.html").text
    assert "cooperative · Cai Kinh · 1 product" in en and "1 products" not in en
    assert "hợp tác xã" not in en
    assert "hợp tác xã · Cai Kinh · 1 sản phẩm" in vi


def test_every_page_has_a_switch_to_the_same_page_in_the_other_language(sample_output: Path):
    for path in sorted(sample_output.rglob("*.html")):
        rel = path.relative_to(sample_output).as_posix()
        if rel == ADMIN_PAGE or rel.startswith(PRINT_PAGES):  # print pages: tests/test_labels.py, no switch
            continue
        if rel.startswith(("truy-xuat/", "en/truy-xuat/")):  # redirects to a product page: tests/test_trace.py
            continue
        english = rel.startswith(("en/", "kiosk/en/"))
        switch = parse_html(path).find("a", class_="k-lang" if rel.startswith("kiosk/") else "lang-switch")
        assert switch is not None, rel
        assert switch.attrs["hreflang"] == switch.attrs["lang"] == ("vi" if english else "en"), rel
        target = switch.attrs["href"].removeprefix("/ocop-huu-lung/")
        target_file = target + "index.html" if target == "" or target.endswith("/") else target
        assert (sample_output / target_file).is_file(), rel
        if english:
            expected = rel.replace("kiosk/en/", "kiosk/", 1) if rel.startswith("kiosk/") else rel.removeprefix("en/")
        else:
            expected = "kiosk/en/" + rel[len("kiosk/"):] if rel.startswith("kiosk/") else "en/" + rel
        assert target_file == expected, rel
