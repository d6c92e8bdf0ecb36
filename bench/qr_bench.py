"""QR encoders compared: python bench/qr_bench.py [--codes 500]

Times each installed candidate on the catalog's kind of address (a traceability page URL), checks that zbar
reads back what each one drew, and prints ms per code. zxing-cpp is what ocop/qr.py uses; segno (pure Python)
and qrcode are measured when installed (`pip install segno qrcode`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def zxing_matrix(data: str):
    from ocop.qr import qr_modules

    return qr_modules(data)


def segno_matrix(data: str):
    import numpy as np
    import segno

    return np.array(segno.make_qr(data, error="m").matrix, dtype=bool)


def qrcode_matrix(data: str):
    import numpy as np
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    return np.array(code.get_matrix(), dtype=bool)


def decodes(matrix, data: str) -> bool:
    import numpy as np
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    padded = np.pad(matrix, 4)
    img = Image.fromarray(np.where(padded, 0, 255).astype("uint8")).resize((padded.shape[0] * 6,) * 2, Image.NEAREST)
    return [s.data.decode() for s in decode(img, symbols=[ZBarSymbol.QRCODE])] == [data]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=500)
    args = parser.parse_args()
    addresses = [f"https://ocop.example.gov.vn/ocop-huu-lung/truy-xuat/hl-na-{i:05d}-2025/" for i in range(args.codes)]
    print("| encoder | ms per code | zbar reads it |\n|---|---|---|")
    for name, make in (("zxing-cpp", zxing_matrix), ("segno", segno_matrix), ("qrcode", qrcode_matrix)):
        try:
            make(addresses[0])
        except ImportError:
            print(f"| {name} | not installed | — |")
            continue
        started = time.perf_counter()
        for data in addresses:
            make(data)
        ms = (time.perf_counter() - started) * 1000 / len(addresses)
        ok = all(decodes(make(data), data) for data in addresses[:20])
        print(f"| {name} | {ms:.2f} | {'yes' if ok else 'NO'} |")


if __name__ == "__main__":
    main()
