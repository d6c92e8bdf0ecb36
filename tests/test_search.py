"""Search (tim-kiem/ and kiosk/tim-kiem/): the index, the no-JavaScript page, and the search driven in Chromium."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import browser_support
from browser_support import static_server, stop_static_servers  # the browser fixtures come from conftest.py
from conftest import PRODUCER, PRODUCT, TODAY, kiosk_precache, parse_html, write_files
from ocop.cli import main
from ocop.search import Postings
from ocop.text import fold

BASE_PATH = "/ocop-huu-lung/"  # the base path of site.toml's base_url


def product(title: str, *, stars: int | None, commune: str, body: str, tags: str = "[]", category: str = "thuc-pham",
            producer: str = "ho-kinh-doanh-an-binh") -> str:
    """A product file with the fields search looks at."""
    ranked = f"stars: {stars}\ncertificate:\n  number: \"77/QĐ-UBND\"\n  date: 2025-01-10\n  issuer: UBND tỉnh Lạng Sơn\n" if stars else ""
    return (f"---\ntitle: {title}\n{ranked}category: {category}\ncommune: {commune}\n"
            f"producer: {producer}\ntags: {tags}\n---\n{body}\n")


# The fixture catalog: "Mật ong rừng Hữu Liên" (4 sao, from conftest) and these.
CATALOG = {
    "producers/htx-mat-ong-huu-lien.md": PRODUCER,
    "producers/ho-kinh-doanh-an-binh.md": ("---\nname: Hộ kinh doanh An Bình\nname_en: An Binh household business\n"
                                           "kind: hộ kinh doanh\ncommune: Cai Kinh\n---\n"),
    "products/mat-ong-rung-huu-lien.md": PRODUCT,
    "products/mat-ong-hoa-nhan.md": product("Mật ong hoa nhãn", stars=3, commune="Tân Thành", body="Mật ong nuôi ở vườn nhãn.",
                                             producer="htx-mat-ong-huu-lien"),
    "products/tra-hoa-vang.md": product("Trà hoa vàng", stars=3, commune="Cai Kinh", body="Pha với **mật ong** rất ngon."),
    "products/na-dai.md": product("Na dai", stars=4, commune="Đồng Tân", body="Quả na dai, ngọt mát.").replace(
        "title: Na dai\n", "title: Na dai\ntitle_en: Chewy custard apple\nbody_en: Sweet and firm fruit from the limestone hills.\n"),
    "products/ga-doi.md": product("Gà đồi", stars=3, commune="Đồng Tiến", body="Gà thả đồi, nuôi ngoài vườn."),
    "products/nep-cai-hoa-vang.md": product("Nếp cái hoa vàng Nà Lốc", stars=None, commune="Vân Nham", body="Gạo nếp thơm."),
    "products/ruou-men-la.md": product("Rượu men lá", stars=5, commune="Hữu Lũng", body="Rượu nấu từ gạo nếp.",
                                       tags="[rượu, đặc sản]", category="do-uong"),
}

# Strings where a fold could go wrong: decomposed input, đ/Đ, capitals, ligatures, dotted I, other scripts.
TRICKY = [
    "Đồng Tân", "ĐỒNG TÂN", "đường Đại lộ", "Hữu Lũng", "HỮU LŨNG", "Mật ong rừng", "Rượu men lá",
    "Nguyễn Thị Hằng", "Chè Shan tuyết", "ƯỚC MƠ", "Ơn", "Ẵ ẳ Ặ ặ Ỡ ỡ Ỵ ỵ", "Thổ cẩm Tày – Nùng",
    "Mâ\u0323t ong", "D\u0323a\u0302u", "Ð Ɖ ð", "İstanbul", "STRASSE straße ẞ", "ﬁ ﬂ", "Ωμέγα ΟΔΟΣ",
    "Пётр Йогурт", "café naïve coöperate", "Å Ǻ ǻ", "100% 250.000 ₫", "😀 ong 🐝", "",
]


@pytest.fixture(scope="module")
def site_output(tmp_path_factory) -> Path:
    """The fixture catalog built once for this module."""
    root = tmp_path_factory.mktemp("search")
    write_files(root / "content", CATALOG)
    assert main(["build", "--content", str(root / "content"), "--output", str(root / "output"), "--today", TODAY]) == 0
    return root / "output"


@pytest.fixture(scope="module")
def site_url(site_output: Path):
    """The built fixture site served under its base path, like GitHub Pages."""
    keep = len(browser_support._servers)  # stop only the server started here
    url = static_server(site_output, BASE_PATH)
    yield url
    stop_static_servers(keep)


def load_index(output: Path, lang: str = "vi") -> dict:
    """A language's whole index, put together from search-index.json and the parts it names."""
    folder = output / ("" if lang == "vi" else lang + "/")
    index = json.loads((folder / "search-index.json").read_text(encoding="utf-8"))
    index["p"] = [row for name in index["p"] for row in json.loads((folder / name).read_text(encoding="utf-8"))["p"]]
    shards = [json.loads((folder / name).read_text(encoding="utf-8")) for _, name in index["s"]]
    index["w"] = [word for shard in shards for word in shard["w"]]
    index["d"] = [postings for shard in shards for postings in shard["d"]]
    return index


def body_products(index: dict, word: str) -> list[str]:
    """The titles of the products whose body has `word`, decoded from the index's postings."""
    total = len(index["p"])
    postings = index["d"][index["w"].index(word)]
    ids, previous = [], -1
    for gap in filter(None, postings.lstrip("!").split(",")):
        previous += int(gap) + 1
        ids.append(previous)
    if postings.startswith("!"):
        ids = [i for i in range(total) if i not in ids]
    return [index["p"][i][1] for i in ids]


def test_index_has_every_product_with_display_fields(site_output):
    index = load_index(site_output)
    rows = {row[1]: row for row in index["p"]}
    assert len(rows) == len([k for k in CATALOG if k.startswith("products/")])
    na = rows["Na dai"]
    assert na[0] == "na-dai" and na[2] == 4
    assert index["c"][na[4]] == ["huu-lung", "Hữu Lũng"]
    assert na[6] == "Hữu Lũng (xã Đồng Tân cũ)"  # the former commune name stays searchable
    assert rows["Rượu men lá"][7] == "rượu|đặc sản"
    assert rows["Nếp cái hoa vàng Nà Lốc"][2] == 0


def test_index_body_words_are_folded_and_point_at_their_products(site_output):
    index = load_index(site_output)
    assert index["w"] == sorted(index["w"])
    assert all(word == fold(word) for word in index["w"])
    assert body_products(index, "vuon") == ["Gà đồi", "Mật ong hoa nhãn"]
    assert body_products(index, "nep") == ["Rượu men lá"]  # "Nếp cái…" has it in its title already
    assert "mat" in index["w"] and "Trà hoa vàng" in body_products(index, "mat")


def test_index_is_the_same_bytes_on_every_build(site_output, tmp_path):
    again = tmp_path / "again"
    assert main(["build", "--content", str(site_output.parent / "content"), "--output", str(again), "--today", TODAY]) == 0
    assert (again / "search-index.json").read_bytes() == (site_output / "search-index.json").read_bytes()


def test_english_index_has_english_titles_groups_producers_places_and_body_words(site_output):
    index = load_index(site_output, "en")
    assert [g[1] for g in index["g"]][:2] == ["Food", "Beverages"]  # data/groups.yaml name_en
    assert index["c"] == load_index(site_output)["c"]  # communes have no English names
    rows = {row[0]: row for row in index["p"]}
    assert [row[0] for row in index["p"]] == [row[0] for row in load_index(site_output)["p"]]  # the same numbers
    na = rows["na-dai"]
    assert na[1] == "Chewy custard apple" and na[5] == "An Binh household business"
    assert na[6] == "Hữu Lũng (former Đồng Tân commune)"
    assert rows["tra-hoa-vang"][1] == "Trà hoa vàng"  # no title_en: the Vietnamese title, as the page shows it
    assert body_products(index, "limestone") == ["Chewy custard apple"]  # body_en words
    assert "limestone" not in load_index(site_output)["w"]
    assert "Chewy custard apple" in body_products(index, "na")  # the Vietnamese title still finds it
    assert "ngot" not in index["w"]  # its Vietnamese body ("ngọt mát") is replaced by the English one
    assert "Mật ong hoa nhãn" in body_products(index, "vuon")  # no body_en: the Vietnamese body


def test_each_language_searches_its_own_index(site_output):
    for lang, page in (("vi", "tim-kiem/"), ("en", "en/tim-kiem/"), ("vi", "kiosk/tim-kiem/"), ("en", "kiosk/en/tim-kiem/")):
        form = parse_html(site_output / page / "index.html").find("form", class_="s-form")
        expected = BASE_PATH + ("" if lang == "vi" else "en/") + "search-index.json"
        assert form.attrs["data-index"] == form.attrs["data-precache"] == expected, page
    precache = kiosk_precache(site_output)
    assert f"{BASE_PATH}en/search-index.json" in precache  # the kiosk's English search works offline too
    parts = [p.relative_to(site_output).as_posix() for p in site_output.rglob("search-index/*.json")]
    assert parts and all(BASE_PATH + part in precache for part in parts)  # every part of both indexes


def test_search_page_without_javascript_is_a_get_form_with_the_listings(site_output):
    doc = parse_html(site_output / "tim-kiem/index.html")
    form = doc.find("form", class_="s-form")
    assert form.attrs["method"] == "get" and form.attrs["action"] == BASE_PATH + "tim-kiem/"
    assert [f.attrs["name"] for f in form.find_all("input") + form.find_all("select")] == ["q", "stars", "group", "commune"]
    stars = [o.attrs["value"] for o in form.find("select", id="s-stars").find_all("option")]
    assert stars == ["", "5", "4", "3", "chua-xep-hang"]
    links = {a.attrs["href"] for a in doc.find("section", id="s-browse").find_all("a")}
    assert {BASE_PATH + "san-pham/", BASE_PATH + "sao/4-sao/", BASE_PATH + "nhom/do-uong/", BASE_PATH + "xa/huu-lung/"} <= links
    assert "JavaScript" in doc.find("noscript").text


def test_header_search_box_leads_to_the_search_page(site_output):
    doc = parse_html(site_output / "san-pham/na-dai/index.html")
    form = doc.find("form", class_="header-search")
    assert form.attrs["action"] == BASE_PATH + "tim-kiem/" and form.find("input").attrs["name"] == "q"
    assert parse_html(site_output / "tim-kiem/index.html").find("form", class_="header-search") is None


def test_kiosk_search_page_links_to_kiosk_products_and_is_precached(site_output):
    doc = parse_html(site_output / "kiosk/tim-kiem/index.html")
    form = doc.find("form", class_="s-form")
    assert form.attrs["data-link-base"] == BASE_PATH + "kiosk/"
    assert form.attrs["action"] == BASE_PATH + "kiosk/tim-kiem/"
    precache = kiosk_precache(site_output)
    assert f"{BASE_PATH}search-index.json" in precache and f"{BASE_PATH}kiosk/tim-kiem/" in precache
    assert any(url.startswith(f"{BASE_PATH}assets/search.js?v=") for url in precache)


# --- in the browser -------------------------------------------------------------------------------------------


def open_search(page, url: str):
    """Open a search page and wait until the index is loaded."""
    page.goto(url)
    page.wait_for_selector("form.s-form.is-ready")
    return page


def titles(page) -> list[str]:
    return page.locator(".s-title").all_inner_texts()


def type_query(page, text: str, field: str = "#s-q") -> None:
    """Type like a visitor: one key press at a time, then wait for the results to settle."""
    page.fill(field, "")
    page.type(field, text)
    page.wait_for_selector("form.s-form.is-ready:not(.is-loading)")  # the parts of the index the words need


def test_fold_in_the_browser_agrees_with_python(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    browser_folds = page.evaluate("(list) => list.map(ocopSearch.fold)", TRICKY)
    assert browser_folds == [fold(s) for s in TRICKY]


QUERIES = [  # (typed, the titles that must come first, titles that must follow)
    ("huu lien", ["Mật ong rừng Hữu Liên"], {"Mật ong hoa nhãn"}),  # title first, then the producer's product
    ("mat ong", ["Mật ong hoa nhãn", "Mật ong rừng Hữu Liên"], {"Trà hoa vàng"}),  # a body match ranks last
    ("DONG TAN", ["Na dai"], set()),
    ("ruou", ["Rượu men lá"], set()),
]


def test_queries_without_diacritics_find_the_right_products_first(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    for query, first, also in QUERIES:
        type_query(page, query)
        found = titles(page)
        assert found[:len(first)] == first, query
        assert also <= set(found[len(first):]), query
        assert page.locator("#s-status").inner_text() == f"Tìm thấy {len(found)} sản phẩm"


def test_dong_tan_finds_the_former_commune_above_similar_names(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    type_query(page, "DONG TAN")
    found = titles(page)
    assert found[0] == "Na dai"
    assert "Mật ong rừng Hữu Liên" not in found  # "Hữu Liên" has neither word
    marks = page.locator(".s-item").first.locator("mark").all_inner_texts()
    assert marks == ["Đồng", "Tân"]  # highlighted in the original spelling


def test_exact_vietnamese_spelling_ranks_first(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    type_query(page, "na")
    assert titles(page)[0] == "Na dai"  # catalog order among equal matches
    type_query(page, "Nà")
    assert titles(page)[0] == "Nếp cái hoa vàng Nà Lốc"
    type_query(page, "Mật ong rừng")
    assert titles(page)[0] == "Mật ong rừng Hữu Liên"


def test_prefix_matching_as_you_type_with_highlight(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    type_query(page, "mat o")
    assert titles(page)[:2] == ["Mật ong hoa nhãn", "Mật ong rừng Hữu Liên"]
    first = page.locator(".s-item").first
    assert first.locator(".s-title mark").all_inner_texts() == ["Mật", "o"]
    assert first.locator("a").get_attribute("href") == BASE_PATH + "san-pham/mat-ong-hoa-nhan/"


def test_query_with_star_filter_reload_and_back(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    type_query(page, "mat ong")
    page.locator("#s-q").press("Enter")
    before = titles(page)
    assert set(before) == {"Mật ong hoa nhãn", "Mật ong rừng Hữu Liên", "Trà hoa vàng"}
    assert page.url == site_url + "tim-kiem/?q=mat+ong"

    page.select_option("#s-stars", "3")
    assert titles(page) == ["Mật ong hoa nhãn", "Trà hoa vàng"]
    assert page.url == site_url + "tim-kiem/?q=mat+ong&stars=3"

    page.reload()
    page.wait_for_selector("form.s-form.is-ready")
    assert titles(page) == ["Mật ong hoa nhãn", "Trà hoa vàng"]
    assert page.input_value("#s-q") == "mat ong" and page.input_value("#s-stars") == "3"

    page.go_back()
    page.wait_for_function("location.search === '?q=mat+ong'")
    assert titles(page) == before
    assert page.input_value("#s-stars") == ""


def test_typing_a_new_query_after_enter_is_a_new_history_entry(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    type_query(page, "huu lien")
    page.locator("#s-q").press("Enter")
    type_query(page, "ruou")
    assert titles(page) == ["Rượu men lá"]
    page.go_back()
    page.wait_for_function("location.search === '?q=huu+lien'")
    assert page.input_value("#s-q") == "huu lien"
    assert titles(page)[0] == "Mật ong rừng Hữu Liên"


def test_filters_alone_and_combined(page, site_url):
    open_search(page, site_url + "tim-kiem/?group=do-uong")
    assert titles(page) == ["Rượu men lá"]
    open_search(page, site_url + "tim-kiem/?commune=huu-lung&stars=4")
    assert titles(page) == ["Na dai"]
    open_search(page, site_url + "tim-kiem/?stars=chua-xep-hang")
    assert titles(page) == ["Nếp cái hoa vàng Nà Lốc"]
    open_search(page, site_url + "tim-kiem/?q=ga&stars=5")
    assert titles(page) == []
    assert page.locator("#s-status").inner_text().startswith("Không tìm thấy")
    assert page.locator("#s-browse").is_hidden()


def test_empty_search_shows_the_listing_links(page, site_url):
    open_search(page, site_url + "tim-kiem/")
    assert page.locator("#s-browse").is_visible()
    assert titles(page) == []


def test_english_search_finds_english_words_and_shows_english_titles(page, site_url):
    open_search(page, site_url + "en/tim-kiem/")
    type_query(page, "custard")
    assert titles(page) == ["Chewy custard apple"]
    first = page.locator(".s-item").first
    assert first.locator("a").get_attribute("href") == BASE_PATH + "en/san-pham/na-dai/"
    assert "Food" in first.inner_text() and "former Đồng Tân commune" in first.inner_text()
    type_query(page, "limestone")  # body_en
    assert titles(page) == ["Chewy custard apple"]
    type_query(page, "an binh")  # the producer's name_en
    assert "Chewy custard apple" in titles(page)
    type_query(page, "mat ong")  # products without English text are still found by their Vietnamese words
    assert set(titles(page)) == {"Mật ong hoa nhãn", "Mật ong rừng Hữu Liên", "Trà hoa vàng"}
    open_search(page, site_url + "en/tim-kiem/?q=chewy&group=thuc-pham&stars=4")  # filters as before
    assert titles(page) == ["Chewy custard apple"]


def test_kiosk_search_big_input_and_touch_cards(page, site_url):
    page.set_viewport_size({"width": 1080, "height": 1920})
    open_search(page, site_url + "kiosk/tim-kiem/")
    box = page.locator("#ks-q").bounding_box()
    assert box["height"] >= 64 and box["y"] < 400  # big, and near the top: the on-screen keyboard covers the bottom
    type_query(page, "mat ong", "#ks-q")
    cards = page.locator(".s-link")
    assert cards.first.get_attribute("href") == BASE_PATH + "kiosk/san-pham/mat-ong-hoa-nhan/"
    for i in range(cards.count()):
        card = cards.nth(i).bounding_box()
        assert card["height"] >= 96 and card["width"] >= 300
    cards.first.click()
    page.wait_for_url("**/kiosk/san-pham/mat-ong-hoa-nhan/")


# --- an index in many parts -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    """The fixture catalog built with index parts of at most 100 bytes, served; (base URL, output)."""
    import ocop.search

    root = tmp_path_factory.mktemp("search-split")
    write_files(root / "content", CATALOG)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocop.search, "PART_BYTES", 100)
        assert main(["build", "--content", str(root / "content"), "--output", str(root / "output"), "--today", TODAY]) == 0
    keep = len(browser_support._servers)
    yield static_server(root / "output", BASE_PATH), root / "output"
    stop_static_servers(keep)


def test_split_index_has_every_product_and_word_once_in_parts_under_the_limit(split_site):
    _, output = split_site
    for folder in (output, output / "en"):
        manifest = json.loads((folder / "search-index.json").read_text(encoding="utf-8"))
        assert len(manifest["p"]) >= 2 and len(manifest["s"]) >= 3
        parts = [json.loads((folder / name).read_text(encoding="utf-8")) for name in manifest["p"]]
        shards = [json.loads((folder / name).read_text(encoding="utf-8")) for _, name in manifest["s"]]
        assert [first for first, _ in manifest["s"]] == [shard["w"][0] for shard in shards]
        for name, items in [(n, part["p"]) for n, part in zip(manifest["p"], parts)] + \
                           [(n, shard["w"]) for (_, n), shard in zip(manifest["s"], shards)]:
            assert (folder / name).stat().st_size <= 100 or len(items) == 1, name  # one long item may pass it alone
        index = load_index(output, "vi" if folder == output else "en")
        assert len(index["p"]) == manifest["n"] == len([k for k in CATALOG if k.startswith("products/")])
        assert index["w"] == sorted(set(index["w"]))  # every word once, in order across the parts
    assert [row[0] for row in load_index(output, "en")["p"]] == [row[0] for row in load_index(output)["p"]]
    assert body_products(load_index(output), "vuon") == ["Gà đồi", "Mật ong hoa nhãn"]  # numbers across parts agree


def test_a_body_word_in_a_later_part_is_found_fetching_only_its_part(browser, split_site):
    base_url, output = split_site
    manifest = json.loads((output / "search-index.json").read_text(encoding="utf-8"))
    word = "vuon"  # "Gà đồi" and "Mật ong hoa nhãn" have it in their stories only
    holder = next(name for first, name in reversed(manifest["s"]) if first <= word)
    assert holder != manifest["s"][0][1], "the word should be in a later part"
    context = browser.new_context()
    try:
        requests = browser_support.record_requests(context)
        page = context.new_page()
        open_search(page, base_url + "tim-kiem/")
        type_query(page, word)
        assert set(titles(page)) == {"Gà đồi", "Mật ong hoa nhãn"}
        fetched = {url.split(BASE_PATH, 1)[1] for url in requests if "/search-index/w-" in url}
        # Typed letter by letter: "v" and "vu" ask for the part just before "vuon"'s own, and no earlier part.
        assert holder in fetched and len(fetched) <= 2 and manifest["s"][0][1] not in fetched, fetched
        assert all(BASE_PATH + name in " ".join(requests) for name in manifest["p"])  # every product row
        type_query(page, "mat ong")  # a body word of an earlier part: loaded as needed, results as before
        assert titles(page)[:2] == ["Mật ong hoa nhãn", "Mật ong rừng Hữu Liên"] and "Trà hoa vàng" in titles(page)
    finally:
        context.close()


def test_postings_kept_between_builds_equal_a_fresh_count():
    """serve keeps each language's postings and looks again only at products whose words changed: after any
    sequence of edits, additions and removals the result is that of counting afresh."""
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(40)]
    catalog = [sorted(rng.sample(vocabulary, rng.randint(0, 12))) for _ in range(30)]
    kept = Postings()
    for step in range(200):
        change = rng.random()
        if change < 0.7:  # a story edited
            catalog[rng.randrange(len(catalog))] = sorted(rng.sample(vocabulary, rng.randint(0, 12)))
        elif change < 0.85:  # a product added (the numbering moves)
            catalog.insert(rng.randrange(len(catalog) + 1), sorted(rng.sample(vocabulary, 5)))
        elif len(catalog) > 1:
            del catalog[rng.randrange(len(catalog))]
        if rng.random() < 0.2:  # a title edit: the same products in another order
            rng.shuffle(catalog)
        given = [" ".join(words) for words in catalog]
        assert kept.update(given) == Postings().update(given), step
