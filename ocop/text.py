"""Vietnamese text helpers: folding, slugs, alphabetical order, prices and dates."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

# Vietnamese alphabet order, with the foreign letters f, j, w, z at their Latin places.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
# Combining marks that make a separate letter (ă, â, ê, ô, ơ, ư).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what slugify makes, and leaves as it is


def fold(text: str) -> str:
    """Lowercase, drop diacritics and turn đ into d: "Đồng Tân" -> "dong tan"."""
    return _fold_short(text) if len(text) <= 200 else _fold(text)


@functools.lru_cache(maxsize=1 << 16)
def _fold_short(text: str) -> str:
    """fold for names and titles, which come back on every page that shows them."""
    return _fold(text)


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slugify(text: str) -> str:
    """URL slug without diacritics: "Hữu Lũng" -> "huu-lung"."""
    return text if _SLUG.fullmatch(text) else _slugify(text)  # a file name is most often a slug already


@functools.lru_cache(maxsize=1 << 16)  # file and place names, met again on every rebuild in `serve`
def _slugify(text: str) -> str:
    return _NON_SLUG.sub("-", fold(text)).strip("-")


@functools.lru_cache(maxsize=1 << 16)  # titles and names, sorted again on every rebuild in `serve`
def sort_key(text: str) -> tuple:
    """Key for Vietnamese alphabetical order: letters first (đ after d), then tones. A text of plain ASCII and
    precomposed Vietnamese letters (almost every title) is keyed a character at a time from a table; any other
    is decomposed (_decomposed_key), which gives the same key for the same text."""
    letters: list[tuple[int, int | str]] = []
    tones: list[int] = []
    for ch in text.lower():
        found = _CHAR_KEYS.get(ch)
        if found is None:
            return _decomposed_key(text)
        letters += found[0]
        tones += found[1]
    return (tuple(letters), tuple(tones), text)


def _decomposed_key(text: str) -> tuple:
    """sort_key of any text, worked out on its decomposed (NFD) form."""
    letters: list[tuple[int, int | str]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch):
            if ch in _LETTER_MARKS and letters:
                kind, value = letters[-1]
                if kind == 2:
                    composed = unicodedata.normalize("NFC", ALPHABET[value] + ch)  # type: ignore[index]
                    letters[-1] = (2, _LETTER_RANK.get(composed, value))  # type: ignore[arg-type]
            elif ch in _TONE_RANK and tones:
                tones[-1] = _TONE_RANK[ch]
            continue
        if ch in _LETTER_RANK:
            letters.append((2, _LETTER_RANK[ch]))
        elif ch.isdigit():
            letters.append((1, ch))
        elif ch.isspace() or not ch.isalnum():
            letters.append((0, " "))
        else:
            letters.append((3, ch))
        tones.append(0)
    return (tuple(letters), tuple(tones), text)


def _char_keys() -> dict[str, tuple[tuple, tuple]]:
    """(letters, tones) of each lowercase ASCII character and precomposed Vietnamese letter, on its own: in a
    text of only these, each character's part of the key does not depend on its neighbours."""
    chars = {chr(i) for i in range(0x20, 0x7F)} | set("\t\n\r\f\v")
    for letter in ALPHABET:
        base = unicodedata.normalize("NFD", letter)
        chars |= {unicodedata.normalize("NFC", base + tone) for tone in ("", *_TONE_RANK)}
    return {ch: _decomposed_key(ch)[:2] for ch in sorted(chars) if len(ch) == 1 and ch == ch.lower()}


_CHAR_KEYS = _char_keys()


def format_price(amount: int) -> str:
    """Price in đồng with dots between thousands: 250000 -> "250.000 ₫"."""
    return f"{amount:,}".replace(",", ".") + "\u00a0₫"


def format_number(value: int) -> str:
    """Whole number with Vietnamese thousands dots: 12536 -> "12.536"."""
    return f"{value:,}".replace(",", ".")


@functools.lru_cache(maxsize=1 << 12)  # the same certificate and journey dates come back on many pages
def format_date(value: dt.date) -> str:
    """Date as dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


def add_months(value: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31/01 + 1 -> 28/02)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    for day in (value.day, 30, 29, 28):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(value)


def commune_key(name: str) -> str:
    """A commune name folded, without "xã"/"thị trấn": "xã Hòa Lạc" -> "hoa lac", but "Xa Lý" -> "xa ly"."""
    words = unicodedata.normalize("NFC", name).lower().split()
    if words[:1] == ["xã"]:
        words = words[1:]
    elif words[:2] in (["thị", "trấn"], ["thi", "tran"]):
        words = words[2:]
    return " ".join(fold(" ".join(words)).split())
