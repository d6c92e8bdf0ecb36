"""Vietnamese text rules: slugs without diacritics, alphabetical order, prices and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.text import add_months, commune_key, fold, format_date, format_number, format_price, slugify, sort_key


@pytest.mark.parametrize("text, slug", [
    ("Hữu Lũng", "huu-lung"), ("Đồng Tân", "dong-tan"), ("Na Cai Kinh 4 sao!", "na-cai-kinh-4-sao"),
    ("  Bánh chưng   cẩm ", "banh-chung-cam"), ("Mật ong (rừng) – Hữu Liên", "mat-ong-rung-huu-lien"),
    ("ĐẶC SẢN", "dac-san"), ("***", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_fold_drops_marks_and_dd():
    assert fold("Đồng Tân") == "dong tan"
    assert fold("Ứng Hoà") == "ung hoa"


def test_vietnamese_alphabetical_order():
    """Đ after D (not with it), E before Ê, u before ư, tones: none, huyền, hỏi, ngã, sắc, nặng."""
    expected = ["Bánh", "Dua", "Dưa", "Dừa", "Dứa", "Đậu", "Em", "Ếch", "Ma", "Mà", "Mả", "Mã", "Má", "Mạ", "Mật ong"]
    shuffled = sorted(expected, key=lambda s: s[::-1])
    assert sorted(shuffled, key=sort_key) == expected


def test_order_is_by_letters_before_tones():
    # "Ba" + tone sorts with "Ba", before "Bac": the letters decide first, the tones only break ties.
    assert sorted(["Bác", "Bà", "Ba", "Bạc"], key=sort_key) == ["Ba", "Bà", "Bác", "Bạc"]
    assert sorted(["Đa", "Dz", "Da"], key=sort_key) == ["Da", "Dz", "Đa"]


def test_order_ignores_case_and_handles_digits():
    assert sorted(["bánh", "Bánh 2", "Bánh 10", "An"], key=sort_key)[:1] == ["An"]
    assert sort_key("Bánh")[:2] == sort_key("bánh")[:2]


def test_composed_and_decomposed_text_sort_the_same():
    import unicodedata

    word = "Hữu Lũng"
    assert sort_key(unicodedata.normalize("NFD", word))[:2] == sort_key(unicodedata.normalize("NFC", word))[:2]


@pytest.mark.parametrize("amount, shown", [(250000, "250.000\u00a0₫"), (70000, "70.000\u00a0₫"), (1500000, "1.500.000\u00a0₫"),
                                           (500, "500\u00a0₫")])
def test_format_price(amount, shown):
    assert format_price(amount) == shown


def test_format_number_and_date():
    assert format_number(12536) == "12.536"
    assert format_date(dt.date(2023, 8, 5)) == "05/08/2023"


@pytest.mark.parametrize("start, months, end", [
    (dt.date(2023, 8, 15), 36, dt.date(2026, 8, 15)),
    (dt.date(2024, 2, 29), 36, dt.date(2027, 2, 28)),
    (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
    (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),
])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


@pytest.mark.parametrize("name, key", [("xã Hòa Lạc", "hoa lac"), ("Thị trấn Hữu Lũng", "huu lung"),
                                       ("  Hữu   Liên ", "huu lien"), ("Xa Lý", "xa ly"),
                                       ("XÃ HÒA LẠC", "hoa lac"), ("xã", "")])
def test_commune_key(name, key):
    assert commune_key(name) == key


def test_sort_key_by_table_equals_decomposed_key():
    """The character table (the quick way) keys every Vietnamese letter, with every tone, in upper and lower case
    and beside digits and punctuation, exactly as decomposing the text does."""
    import unicodedata

    from ocop.text import ALPHABET, _decomposed_key

    tones = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
    letters = [unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch) + tone) for ch in ALPHABET for tone in tones]
    words = [a + b + c for a, b, c in zip(letters, reversed(letters), letters[7:] + letters[:7])]
    texts = words + [w.upper() for w in words] + [f"{w} 10, {w.title()}-2 (x)" for w in words] + ["", "Ánh Đào 3"]
    for text in texts:
        assert sort_key(text) == _decomposed_key(text), text
    assert sorted(["Bánh 2", "bánh", "Ánh", "Anh", "Đào", "Dao"], key=sort_key) == \
        ["Anh", "Ánh", "bánh", "Bánh 2", "Dao", "Đào"]
