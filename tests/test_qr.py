"""The NumPy mask choice gives exactly the QR symbols segno's own code gives."""

import segno
import segno.encoder

from ocop import qrmask

ADDRESSES = (
    [f"https://example.github.io/ocop-huu-lung/truy-xuat/hl-tp-{i:05d}/" for i in range(40)]
    + [f"https://example.com/shopee/na-cai-kinh-{'x' * n}" for n in range(0, 300, 11)]
    + ["Mật ong rừng Hữu Liên " * k for k in range(1, 6)]
)


def test_numpy_mask_choice_matches_segno_symbol_for_symbol(monkeypatch):
    monkeypatch.setattr(segno.encoder, "find_and_apply_best_mask", qrmask._original)
    expected = [(q.mask, q.matrix) for q in (segno.make_qr(a, error="m") for a in ADDRESSES)]
    monkeypatch.setattr(segno.encoder, "find_and_apply_best_mask", qrmask.find_and_apply_best_mask)
    got = [(q.mask, q.matrix) for q in (segno.make_qr(a, error="m") for a in ADDRESSES)]
    assert got == expected
    assert len({mask for mask, _ in got}) > 3  # the addresses exercise several different masks
