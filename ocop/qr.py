"""QR codes as small SVG files, encoded with zxing-cpp (compiled) and drawn as one path of dark runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

BORDER = 4  # the quiet zone the QR standard asks for, in modules


def qr_modules(data: str) -> "np.ndarray":
    """The symbol for `data` (error correction M) as a square array, True for a dark module."""
    import numpy as np  # imported when a code is made: a build with nothing new to encode does without them
    import zxingcpp

    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128


def qr_svg(data: str) -> bytes:
    """A standalone SVG drawing of the QR code for `data`, sized by its viewBox (scale it with CSS)."""
    import numpy as np

    dark = qr_modules(data)
    size = dark.shape[0] + 2 * BORDER
    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    edges = np.diff(padded, axis=1)  # +1 where a dark run starts, -1 just after it ends
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    # each dark run is a line one module thick along the middle of its row, reached by a relative move from
    # the end of the run before it: about a third of the bytes of one closed rectangle per run. The moves are
    # worked out as arrays; the first is absolute (from the corner), the others whole modules
    widths = ends - starts
    moves_x = np.empty_like(starts)
    moves_y = np.empty_like(rows)
    if len(starts):
        moves_x[0], moves_y[0] = 0, 0
        moves_x[1:] = starts[1:] - ends[:-1]
        moves_y[1:] = rows[1:] - rows[:-1]
    runs = [f"m{x} {y}h{w}" for x, y, w in zip(moves_x.tolist(), moves_y.tolist(), widths.tolist())]
    if runs:
        runs[0] = f"M{int(starts[0]) + BORDER} {int(rows[0]) + BORDER + 0.5:g}h{int(widths[0])}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/><path stroke="#000" d="{"".join(runs)}"/></svg>\n').encode("ascii")

