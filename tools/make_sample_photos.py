#!/usr/bin/env python3
"""Vẽ ảnh minh hoạ cho các sản phẩm mẫu (content/products/<slug>/cover.jpg).

Draws one simple illustration per sample product: a gradient background, a few
shapes that suggest the product, and the product name. The output is
deterministic (no randomness), 1600x1200, JPEG quality 82, without EXIF.

Usage:  python3 tools/make_sample_photos.py [--only SLUG ...]
Needs Pillow. Uses a TTF font with Vietnamese glyphs if one is installed
(Noto Sans / DejaVu Sans), otherwise Pillow's built-in font.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = ROOT / "content" / "products"

W, H = 1600, 1200
SS = 2  # supersampling factor, for smooth edges
MAX_BYTES = 250 * 1024

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
]


def load_font(size: int) -> ImageFont.ImageFont:
    """A TTF font with Vietnamese glyphs, or Pillow's default font."""
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    try:
        return ImageFont.load_default(size=size)  # Pillow >= 10.1
    except TypeError:
        return ImageFont.load_default()


# --------------------------------------------------------------------------
# Drawing helpers. All coordinates are given in 1600x1200 space and scaled.
# --------------------------------------------------------------------------
class Canvas:
    def __init__(self, top: tuple, bottom: tuple):
        self.img = Image.new("RGB", (W * SS, H * SS), top)
        self.d = ImageDraw.Draw(self.img, "RGBA")
        for y in range(H * SS):
            t = y / (H * SS - 1)
            c = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom))
            self.d.line([(0, y), (W * SS, y)], fill=c)

    @staticmethod
    def s(v):
        return round(v * SS)

    def pts(self, points):
        return [(self.s(x), self.s(y)) for x, y in points]

    def ellipse(self, cx, cy, rx, ry, fill, outline=None, width=0):
        box = [self.s(cx - rx), self.s(cy - ry), self.s(cx + rx), self.s(cy + ry)]
        self.d.ellipse(box, fill=fill, outline=outline, width=self.s(width))

    def circle(self, cx, cy, r, fill, outline=None, width=0):
        self.ellipse(cx, cy, r, r, fill, outline, width)

    def polygon(self, points, fill, outline=None, width=0):
        self.d.polygon(self.pts(points), fill=fill)
        if outline and width:
            p = self.pts(points)
            self.d.line(p + [p[0]], fill=outline, width=self.s(width), joint="curve")

    def line(self, points, fill, width):
        self.d.line(self.pts(points), fill=fill, width=self.s(width), joint="curve")

    def rect(self, x0, y0, x1, y1, fill, radius=0, outline=None, width=0):
        box = [self.s(x0), self.s(y0), self.s(x1), self.s(y1)]
        self.d.rounded_rectangle(box, radius=self.s(radius), fill=fill,
                                 outline=outline, width=self.s(width))

    def arc(self, cx, cy, rx, ry, start, end, fill, width):
        box = [self.s(cx - rx), self.s(cy - ry), self.s(cx + rx), self.s(cy + ry)]
        self.d.arc(box, start, end, fill=fill, width=self.s(width))

    def finish(self) -> Image.Image:
        return self.img.resize((W, H), Image.LANCZOS)


def rotated_rect(cx, cy, w, h, angle_deg):
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    out = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append((cx + dx * ca - dy * sa, cy + dx * sa + dy * ca))
    return out


def leaf_shape(x, y, angle_deg, length, width, n=24):
    """Points of a leaf starting at (x, y), pointing at angle_deg."""
    a = math.radians(angle_deg)
    ux, uy = math.cos(a), math.sin(a)
    nx, ny = -uy, ux
    left, right = [], []
    for i in range(n + 1):
        t = i / n
        half = width / 2 * math.sin(math.pi * t) ** 0.8
        px, py = x + ux * length * t, y + uy * length * t
        left.append((px + nx * half, py + ny * half))
        right.append((px - nx * half, py - ny * half))
    return left + right[::-1]


def leaf(c: Canvas, x, y, angle, length, width, fill, vein=(255, 255, 255, 90)):
    c.polygon(leaf_shape(x, y, angle, length, width), fill=fill)
    a = math.radians(angle)
    c.line([(x, y), (x + math.cos(a) * length * 0.92, y + math.sin(a) * length * 0.92)],
           fill=vein, width=4)


def shadow(c: Canvas, cx, cy, rx, ry):
    c.ellipse(cx, cy, rx, ry, fill=(0, 0, 0, 40))


# --------------------------------------------------------------------------
# Motifs
# --------------------------------------------------------------------------
def custard_apple(c: Canvas, cx, cy, r, with_leaf=True):
    shadow(c, cx, cy + r * 0.95, r * 0.9, r * 0.18)
    c.circle(cx, cy, r, fill=(96, 150, 70))
    # scales: a hexagonal pattern of bumps inside the fruit
    step = r * 0.36
    row = 0
    yy = cy - r
    while yy <= cy + r:
        off = step / 2 if row % 2 else 0
        xx = cx - r + off
        while xx <= cx + r:
            dist = math.hypot(xx - cx, yy - cy)
            if dist < r * 0.86:
                k = 1 - dist / r
                light = (int(150 + 50 * k), int(196 + 30 * k), int(110 + 30 * k))
                c.circle(xx, yy, step * 0.46, fill=light, outline=(70, 115, 52), width=3)
            xx += step
        yy += step * 0.87
        row += 1
    c.circle(cx - r * 0.35, cy - r * 0.4, r * 0.22, fill=(255, 255, 255, 45))
    c.circle(cx, cy, r, fill=None, outline=(60, 100, 45), width=5)
    c.line([(cx, cy - r * 0.95), (cx + r * 0.08, cy - r * 1.25)], fill=(100, 70, 40), width=12)
    if with_leaf:
        leaf(c, cx + r * 0.08, cy - r * 1.2, -25, r * 0.9, r * 0.42, fill=(52, 120, 60))


def scene_na(count):
    def draw(c: Canvas):
        if count == 1:
            custard_apple(c, 800, 470, 290)
        elif count == 2:
            custard_apple(c, 640, 500, 230)
            custard_apple(c, 960, 480, 250)
        elif count == 3:
            custard_apple(c, 560, 530, 200)
            custard_apple(c, 1040, 530, 200)
            custard_apple(c, 800, 440, 240)
        else:
            for i, x in enumerate((380, 660, 940, 1220)):
                custard_apple(c, x, 500 - (i % 2) * 40, 150, with_leaf=(i % 2 == 0))
    return draw


def scene_banh_chung(c: Canvas):
    shadow(c, 780, 800, 380, 50)
    x0, y0, x1, y1 = 440, 200, 1060, 780
    c.rect(x0, y0, x1, y1, fill=(46, 110, 58), radius=24, outline=(30, 80, 40), width=6)
    # leaf texture
    for i in range(1, 8):
        x = x0 + (x1 - x0) * i / 8
        c.line([(x, y0 + 10), (x + 20, y1 - 10)], fill=(70, 140, 75, 140), width=4)
    # bamboo strings
    for f in (0.33, 0.67):
        x = x0 + (x1 - x0) * f
        y = y0 + (y1 - y0) * f
        c.line([(x, y0 - 20), (x, y1 + 20)], fill=(222, 200, 140), width=14)
        c.line([(x0 - 20, y), (x1 + 20, y)], fill=(222, 200, 140), width=14)
    # a cut slice showing purple sticky rice and green bean filling
    sx0, sy0 = 1090, 470
    c.polygon([(sx0, sy0), (sx0 + 300, sy0), (sx0 + 300, sy0 + 300), (sx0, sy0 + 300)],
              fill=(110, 50, 120), outline=(46, 110, 58), width=12)
    c.rect(sx0 + 90, sy0 + 90, sx0 + 210, sy0 + 210, fill=(236, 196, 70), radius=14)
    c.circle(sx0 + 150, sy0 + 150, 32, fill=(200, 120, 110))


def scene_banh_gai(c: Canvas):
    for i, (cx, cy) in enumerate(((520, 520), (800, 460), (1080, 520))):
        shadow(c, cx, cy + 230, 200, 36)
        c.polygon(rotated_rect(cx, cy, 390, 390, 8 - i * 8), fill=(196, 160, 100),
                  outline=(150, 115, 70), width=6)
        for k in range(-3, 4):
            p = rotated_rect(cx + k * 45, cy, 6, 380, 8 - i * 8)
            c.polygon(p, fill=(160, 125, 80, 160))
        c.polygon(rotated_rect(cx, cy, 260, 260, 8 - i * 8), fill=(38, 32, 30),
                  outline=(20, 16, 14), width=4)
        c.ellipse(cx - 50, cy - 60, 60, 26, fill=(255, 255, 255, 50))


def scene_banh_ngai(c: Canvas):
    c.polygon(leaf_shape(220, 640, -8, 1180, 360), fill=(80, 150, 70))
    c.line([(230, 640), (1380, 480)], fill=(150, 200, 120), width=8)
    for cx, cy in ((480, 560), (720, 520), (960, 490), (600, 700), (860, 660)):
        shadow(c, cx, cy + 85, 120, 22)
        c.ellipse(cx, cy, 125, 100, fill=(92, 120, 60), outline=(60, 85, 40), width=5)
        c.ellipse(cx - 35, cy - 35, 40, 18, fill=(255, 255, 255, 55))


def scene_nem(c: Canvas):
    c.polygon(leaf_shape(180, 560, 0, 1240, 520), fill=(70, 140, 70))
    c.line([(190, 560), (1400, 560)], fill=(140, 200, 120), width=8)
    for i in range(5):
        y = 330 + i * 110
        x0 = 360 + (i % 2) * 60
        c.line([(x0 - 120, y + 10), (x0 + 860, y - 10)], fill=(200, 170, 110), width=10)
        c.rect(x0, y - 38, x0 + 700, y + 38, fill=(170, 92, 48), radius=38,
               outline=(120, 60, 30), width=4)
        for k in range(1, 7):
            gx = x0 + k * 100
            c.line([(gx, y - 34), (gx - 30, y + 34)], fill=(90, 45, 20, 170), width=8)
        c.line([(x0 + 40, y - 22), (x0 + 660, y - 22)], fill=(255, 210, 150, 120), width=6)


def scene_vegetable(c: Canvas):
    base = (800, 830)
    shadow(c, 800, 850, 330, 40)
    angles = [-160, -140, -120, -105, -90, -75, -60, -40, -20]
    for i, a in enumerate(angles):
        length = 560 - abs(a + 90) * 2.2
        col = (40 + (i % 3) * 12, 110 + (i % 2) * 20, 50)
        leaf(c, base[0], base[1], a, length, 250, fill=col, vein=(180, 220, 160, 200))
    c.rect(720, 780, 880, 860, fill=(200, 170, 120), radius=20)


def scene_mang(c: Canvas):
    # bamboo stalks
    for x in (220, 330):
        c.rect(x, 40, x + 70, 880, fill=(96, 150, 70), radius=20)
        for y in range(160, 880, 180):
            c.rect(x - 6, y, x + 76, y + 16, fill=(70, 115, 52), radius=8)
    leaf(c, 390, 200, -20, 260, 70, fill=(60, 130, 60))
    leaf(c, 290, 420, 200, 230, 60, fill=(60, 130, 60))
    # dried shoot strips
    shadow(c, 930, 800, 400, 45)
    for i in range(9):
        cx = 620 + (i % 5) * 140 + (i // 5) * 60
        cy = 500 + (i // 5) * 140 + (i % 2) * 30
        ang = -35 + (i * 17) % 70
        c.polygon(rotated_rect(cx, cy, 360, 70, ang), fill=(196, 150, 80),
                  outline=(140, 100, 50), width=4)
        c.polygon(rotated_rect(cx, cy, 300, 8, ang), fill=(230, 200, 140, 180))


def scene_tea(c: Canvas):
    shadow(c, 760, 840, 330, 45)
    c.ellipse(760, 800, 330, 70, fill=(235, 235, 228), outline=(190, 190, 180), width=4)
    c.polygon([(520, 470), (1000, 470), (940, 790), (580, 790)], fill=(250, 250, 245),
              outline=(200, 200, 190), width=5)
    c.ellipse(760, 470, 240, 48, fill=(250, 250, 245), outline=(200, 200, 190), width=5)
    c.ellipse(760, 478, 218, 36, fill=(196, 120, 40))
    c.ellipse(700, 470, 70, 10, fill=(255, 220, 150, 120))
    for k, x in enumerate((660, 760, 860)):
        for j in range(3):
            y = 400 - j * 90
            c.arc(x + (j % 2) * 30, y, 40, 45, 90 if j % 2 else 270, 270 if j % 2 else 90,
                  fill=(255, 255, 255, 150), width=8)
    c.line([(1080, 820), (1320, 420)], fill=(90, 70, 40), width=10)
    for i, (t, a) in enumerate(((0.2, -150), (0.35, -20), (0.5, -160), (0.65, -30), (0.8, -140))):
        x = 1080 + (1320 - 1080) * t
        y = 820 + (420 - 820) * t
        leaf(c, x, y, a, 200, 80, fill=(50 + i * 8, 125, 55))


def scene_basket(c: Canvas):
    shadow(c, 800, 850, 380, 50)
    c.arc(800, 460, 300, 300, 180, 360, fill=(150, 105, 55), width=30)
    top_l, top_r, bot_l, bot_r = (450, 460), (1150, 460), (560, 830), (1040, 830)
    c.polygon([top_l, top_r, bot_r, bot_l], fill=(214, 172, 104), outline=(150, 105, 55), width=8)
    for i in range(1, 12):
        t = i / 12
        xt = top_l[0] + (top_r[0] - top_l[0]) * t
        xb = bot_l[0] + (bot_r[0] - bot_l[0]) * t
        c.line([(xt, 465), (xb, 825)], fill=(170, 125, 70), width=7)
    for j in range(1, 7):
        t = j / 7
        y = 460 + 370 * t
        xl = top_l[0] + (bot_l[0] - top_l[0]) * t
        xr = top_r[0] + (bot_r[0] - top_r[0]) * t
        c.line([(xl, y), (xr, y)], fill=(236, 205, 140), width=12)
    c.rect(430, 440, 1170, 485, fill=(170, 120, 60), radius=20)


def scene_homestay(c: Canvas):
    c.circle(1260, 230, 90, fill=(255, 236, 200, 220))
    layers = [
        ((150, 170, 190), 560, [0, 180, 300, 470, 600, 760, 900, 1050, 1220, 1400, 1600]),
        ((95, 135, 120), 640, [0, 140, 330, 520, 660, 820, 1000, 1160, 1330, 1480, 1600]),
        ((60, 105, 80), 720, [0, 220, 380, 560, 740, 900, 1080, 1260, 1420, 1600]),
    ]
    for col, base, xs in layers:
        pts = [(0, H)]
        for i, x in enumerate(xs):
            peak = base - (180 if i % 2 else 40) - (i * 37) % 90
            pts.append((x, peak))
        pts.append((W, H))
        c.polygon(pts, fill=col)
    c.rect(0, 800, W, H, fill=(70, 170, 160))
    for y in range(830, 1000, 40):
        c.line([(200 + (y % 80) * 3, y), (600 + (y % 80) * 3, y)], fill=(255, 255, 255, 70), width=4)
    # stilt house
    hx, hy = 980, 610
    for px in (hx - 170, hx - 60, hx + 60, hx + 170):
        c.rect(px - 10, hy + 120, px + 10, hy + 260, fill=(90, 60, 35))
    c.rect(hx - 220, hy + 10, hx + 220, hy + 130, fill=(170, 120, 70), outline=(110, 75, 40), width=5)
    c.polygon([(hx - 270, hy + 20), (hx, hy - 150), (hx + 270, hy + 20)], fill=(120, 70, 45),
              outline=(80, 45, 25), width=5)
    c.rect(hx - 40, hy + 45, hx + 40, hy + 130, fill=(80, 50, 30))
    for wx in (hx - 150, hx + 110):
        c.rect(wx, hy + 45, wx + 50, hy + 90, fill=(250, 220, 150))
    c.line([(hx + 40, hy + 130), (hx + 130, hy + 260)], fill=(90, 60, 35), width=10)


# slug -> (title, top colour, bottom colour, scene)
PRODUCTS_SPEC = {
    "na-cai-kinh": ("Na Cai Kinh", (214, 236, 196), (120, 176, 110), scene_na(3)),
    "na-hoa-lac": ("Na Hòa Lạc", (250, 240, 200), (150, 196, 130), scene_na(2)),
    "na-yen-son": ("Na Yên Sơn", (226, 244, 222), (140, 190, 150), scene_na(1)),
    "na-chi-lang-huyen-huu-lung": ("Na Chi Lăng (huyện Hữu Lũng)", (210, 240, 232),
                                   (100, 170, 160), scene_na(4)),
    "nem-nuong-khoi-loan": ("Nem nướng Khôi Loan", (255, 226, 190), (220, 140, 90), scene_nem),
    "banh-chung-cam-hong-ly": ("Bánh chưng cẩm Hồng Lý", (252, 222, 214), (200, 110, 110),
                               scene_banh_chung),
    "cai-bo-xoi-huu-co": ("Cải bó xôi hữu cơ", (230, 246, 220), (150, 200, 140), scene_vegetable),
    "banh-gai-lang-lay": ("Bánh gai Lang Lay", (246, 236, 216), (196, 170, 130), scene_banh_gai),
    "banh-ngai-lang-lay": ("Bánh ngải Lang Lay", (234, 244, 218), (160, 196, 140), scene_banh_ngai),
    "mang-kho-tuan-son": ("Măng khô Tuấn Sơn", (244, 230, 206), (186, 150, 110), scene_mang),
    "tra-day-tuan-son": ("Trà dây Tuấn Sơn", (214, 236, 206), (240, 220, 160), scene_tea),
    "gio-tre-dan-huu-lien": ("Giỏ tre đan Hữu Liên", (252, 244, 220), (220, 196, 150), scene_basket),
    "homestay-cong-dong-lang-ben": ("Homestay cộng đồng Làng Bên", (250, 214, 200), (200, 220, 236),
                                    scene_homestay),
}


def draw_caption(img: Image.Image, title: str) -> None:
    d = ImageDraw.Draw(img, "RGBA")
    band_top = 930
    d.rounded_rectangle([60, band_top, W - 60, H - 50], radius=28, fill=(255, 255, 255, 215))
    size = 104
    while True:
        font = load_font(size)
        box = d.textbbox((0, 0), title, font=font)
        if box[2] - box[0] <= W - 200 or size <= 40:
            break
        size -= 4
    tw = box[2] - box[0]
    d.text(((W - tw) / 2 - box[0], band_top + 28 - box[1]), title, font=font, fill=(35, 55, 35))
    small = load_font(34)
    label = "Hình minh hoạ · Danh mục mẫu OCOP Hữu Lũng"
    sb = d.textbbox((0, 0), label, font=small)
    d.text(((W - (sb[2] - sb[0])) / 2 - sb[0], H - 110 - sb[1]), label, font=small,
           fill=(90, 100, 90))


def make(slug: str) -> Path:
    title, top, bottom, scene = PRODUCTS_SPEC[slug]
    c = Canvas(top, bottom)
    scene(c)
    img = c.finish()
    draw_caption(img, title)
    out = PRODUCTS / slug / "cover.jpg"
    out.parent.mkdir(parents=True, exist_ok=True)
    # No exif argument: Pillow writes no EXIF block.
    img.save(out, "JPEG", quality=82, optimize=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="chỉ vẽ các slug này")
    args = ap.parse_args(argv)
    slugs = args.only or sorted(PRODUCTS_SPEC)
    bad = 0
    for slug in slugs:
        if slug not in PRODUCTS_SPEC:
            print(f"không biết slug: {slug}", file=sys.stderr)
            bad += 1
            continue
        out = make(slug)
        size = out.stat().st_size
        flag = "" if size <= MAX_BYTES else "  QUÁ 250 KB"
        print(f"{out.relative_to(ROOT)}  {size // 1024} KB{flag}")
        bad += size > MAX_BYTES
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
