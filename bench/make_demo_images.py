#!/usr/bin/env python3
"""Generate the flat demo illustrations used by the entries in content/.

Deterministic (seeded random), no text drawn (fonts may be missing), each
PNG 960x540 and quantized to a small palette so it stays under 60 KB.

    python bench/make_demo_images.py            # writes into content/
    python bench/make_demo_images.py --out DIR  # writes under DIR instead
"""
import argparse
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

W, H = 960, 540

# relative path under content/  ->  (seed, layout variant)
IMAGES = {
    "2024-02/images/hexi-chunjie.png": (202402, 0),
    "2024-03/images/jiaoguan-zhengzhi.png": (202403, 1),
    "2024-03/images/zhengzhi-yingmo.png": (2024031, 2),
    "2024-03/images/jiaoguan-tieqi.png": (2024032, 3),
    "2024-04/images/jiaoguan-qingming.png": (202404, 1),
    "2024-05/images/jiaoguan-zhouhaitao.png": (202405, 2),
    "2024-06/images/jingdu-626.png": (202406, 0),
}

SKY = (118, 178, 226)
NAVY = (16, 38, 84)
RED = (196, 30, 36)
GOLD = (236, 190, 64)
WHITE = (246, 248, 252)


def lerp(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def star(cx, cy, r_out, r_in, rot=-math.pi / 2):
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = rot + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def emblem(d, cx, cy, r):
    """A police-badge-like emblem: concentric circles, rays and a star."""
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=GOLD)
    d.ellipse([cx - r * 0.88, cy - r * 0.88, cx + r * 0.88, cy + r * 0.88], fill=NAVY)
    for i in range(16):
        a = i * math.pi / 8
        x1, y1 = cx + r * 0.5 * math.cos(a), cy + r * 0.5 * math.sin(a)
        x2, y2 = cx + r * 0.8 * math.cos(a), cy + r * 0.8 * math.sin(a)
        d.line([x1, y1, x2, y2], fill=GOLD, width=max(2, int(r * 0.04)))
    d.ellipse([cx - r * 0.52, cy - r * 0.52, cx + r * 0.52, cy + r * 0.52], fill=RED)
    d.polygon(star(cx, cy, r * 0.42, r * 0.17), fill=GOLD)


def make(seed, variant):
    rnd = random.Random(seed)
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    # vertical gradient: sky blue at top to navy at the bottom (in steps)
    steps = 12
    for i in range(steps):
        c = lerp(SKY, NAVY, i / (steps - 1))
        d.rectangle([0, i * H // steps, W, (i + 1) * H // steps], fill=c)
    # soft "buildings" / hills silhouette
    x = 0
    base = int(H * 0.78)
    while x < W:
        w = rnd.randint(40, 110)
        h = rnd.randint(40, 150)
        d.rectangle([x, base - h, x + w - 6, base], fill=lerp(NAVY, SKY, 0.25))
        x += w
    # red band
    band_y = int(H * (0.78 if variant % 2 == 0 else 0.70))
    d.rectangle([0, band_y, W, band_y + 34], fill=RED)
    d.rectangle([0, band_y + 34, W, band_y + 40], fill=GOLD)
    d.rectangle([0, band_y + 40, W, H], fill=NAVY)
    # a few geometric shapes
    for _ in range(5 + variant):
        r = rnd.randint(10, 34)
        cx = rnd.randint(40, W - 40)
        cy = rnd.randint(30, int(H * 0.45))
        col = rnd.choice([WHITE, lerp(SKY, WHITE, 0.5), GOLD])
        if rnd.random() < 0.5:
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=col)
        else:
            d.polygon(star(cx, cy, r, r * 0.42, rnd.random()), fill=col)
    # diagonal stripes on the lower band area
    for i in range(0, W, 64):
        d.polygon([(i, H), (i + 24, H), (i + 64, band_y + 40), (i + 40, band_y + 40)],
                  fill=lerp(NAVY, SKY, 0.12))
    # emblem position depends on the layout variant
    pos = [(W // 2, int(H * 0.40)), (W * 3 // 4, int(H * 0.36)),
           (W // 4, int(H * 0.38)), (W // 2, int(H * 0.34))][variant % 4]
    emblem(d, pos[0], pos[1], 110 if variant != 3 else 130)
    return img.quantize(colors=24, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "content"))
    args = ap.parse_args()
    for rel, (seed, variant) in IMAGES.items():
        p = Path(args.out) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        make(seed, variant).save(p, optimize=True)
        print(f"{p}  {p.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
