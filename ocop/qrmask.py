"""segno's QR mask choice, computed with NumPy: the same mask and matrix, ten times faster.

segno scores all 8 data masks of every symbol in pure Python (ISO/IEC 18004:2015 7.8.3), which
was most of a cold build's time. `find_and_apply_best_mask` below computes the same penalty
scores (N1-N4) on arrays and returns exactly what segno's own function returns;
tests/test_qr.py checks that on many addresses. `install()` puts it in segno's place.
"""

from __future__ import annotations

import numpy as np
import segno.encoder as encoder

_original = encoder.find_and_apply_best_mask
_N3 = bytes((1, 0, 1, 1, 1, 0, 1))
_masks_cache: dict[int, np.ndarray] = {}


def _mask_patterns(size: int) -> np.ndarray:
    """The 8 QR data masks for a size×size symbol, as a (8, size, size) array of 0/1."""
    if size not in _masks_cache:
        i, j = np.indices((size, size))
        ij = i * j
        patterns = [
            (i + j) % 2 == 0, i % 2 == 0, j % 3 == 0, (i + j) % 3 == 0, (i // 2 + j // 3) % 2 == 0,
            (ij % 2) + (ij % 3) == 0, ((ij % 2) + (ij % 3)) % 2 == 0, (((i + j) % 2) + ij % 3) % 2 == 0,
        ]
        _masks_cache[size] = np.stack(patterns).astype(np.uint8)
    return _masks_cache[size]


def _n3(line: bytes, size: int) -> int:
    """Points for 1:1:3:1:1 finder-like patterns in one row or column (as segno counts them)."""
    count = 0
    idx = line.find(_N3)
    while idx != -1:
        offset = idx + 7
        if idx in (0, size - 7) or not any(line[max(idx - 4, 0):min(idx, size)]) \
                or not any(line[max(offset, 0):min(offset + 4, size)]):
            count += 40
        else:
            offset = idx + 4
        idx = line.find(_N3, offset)
    return count


def _scores(stack: np.ndarray) -> list[int]:
    """Total penalty (N1+N2+N3+N4) of each masked symbol in a (k, size, size) stack."""
    k, size, _ = stack.shape
    totals = []
    both = np.concatenate([stack, stack.transpose(0, 2, 1)], axis=1)  # rows, then columns
    padded = np.pad(both, ((0, 0), (0, 0), (1, 1)), constant_values=2)
    eq = stack[:, 1:, 1:]
    blocks = (eq == stack[:, 1:, :-1]) & (eq == stack[:, :-1, 1:]) & (eq == stack[:, :-1, :-1])
    n2 = 3 * blocks.sum(axis=(1, 2))
    dark = stack.sum(axis=(1, 2))
    for m in range(k):
        flat = padded[m].ravel()
        runs = np.diff(np.flatnonzero(flat[1:] != flat[:-1]))
        long_runs = runs[runs >= 5]
        n1 = int(long_runs.sum() - 2 * long_runs.size)
        n3 = sum(_n3(line.tobytes(), size) for line in both[m])
        percent = float(int(dark[m])) / (size ** 2)
        n4 = 10 * int(abs(percent * 100 - 50) / 5)
        totals.append(n1 + int(n2[m]) + n3 + n4)
    return totals


def find_and_apply_best_mask(matrix, width, height, proposed_mask=None):
    """Drop-in for segno.encoder.find_and_apply_best_mask (QR Code symbols; Micro QR goes to segno's)."""
    if proposed_mask is not None or width != height or width < 21:
        return _original(matrix, width, height, proposed_mask)
    function_matrix = encoder.make_matrix(width, height)
    encoder.add_finder_patterns(function_matrix, width, height)
    encoder.add_alignment_patterns(function_matrix, width, height)
    function_matrix[-8][8] = 0x1
    region = (np.array([list(row) for row in function_matrix], dtype=np.uint8) > 1).astype(np.uint8)
    symbol = np.array([list(row) for row in matrix], dtype=np.uint8)
    stack = symbol[None, :, :] ^ (_mask_patterns(width) & region[None, :, :])
    totals = _scores(stack)
    best = min(range(len(totals)), key=lambda m: (totals[m], m))
    return best, tuple(bytearray(row.tobytes()) for row in stack[best])


def install() -> None:
    """Make segno use the NumPy mask choice."""
    encoder.find_and_apply_best_mask = find_and_apply_best_mask
