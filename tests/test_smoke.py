"""The sample catalog builds and shows its products."""

from conftest import parse_html


def test_sample_home_lists_featured_products(sample_output):
    doc = parse_html(sample_output / "index.html")
    assert doc.find("html").attrs["lang"] == "vi"
    titles = [n.text for n in doc.find_all("span", class_="card-title")]
    assert "Cải bó xôi hữu cơ" in titles
    # "Na Cai Kinh" says featured: true, but its certificate ended on 02/10/2023: no longer featured
    assert "Na Cai Kinh" not in titles and "Nem nướng Khôi Loan" not in titles


def test_product_page_shows_price_and_stars(make_site, build, tmp_path):
    code, out, err = build(make_site())
    assert code == 0, err
    doc = parse_html(tmp_path / "output/san-pham/mat-ong-rung-huu-lien/index.html")
    assert doc.find("h1").text == "Mật ong rừng Hữu Liên"
    assert doc.find("span", class_="price").text == "250.000 ₫ / chai 500 ml"
    assert doc.find("span", class_="star-text").text == "OCOP 4 sao"
