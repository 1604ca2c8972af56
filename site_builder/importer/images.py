"""A pasted photo → the file saved beside the entry: long side at most MAX_SIDE pixels,
without EXIF (a phone photo's GPS position must not travel: 内外有别), in a web format."""

from __future__ import annotations

import io
from dataclasses import dataclass

MAX_SIDE = 2000
# What a browser shows as it is; any other raster format Pillow reads becomes PNG.
KEEP = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".png", "WEBP": ".png"}
VECTOR = {"image/x-emf": "EMF", "image/x-wmf": "WMF", "image/emf": "EMF", "image/wmf": "WMF"}


class ImageFailure(Exception):
    """An image that cannot be kept; the message is for the editor."""


@dataclass(frozen=True, slots=True)
class SavedImage:
    data: bytes
    suffix: str  # ".jpg" or ".png"
    size: tuple[int, int]
    original: tuple[int, int]


def prepare_image(data: bytes, content_type: str, max_side: int = MAX_SIDE) -> SavedImage:
    """The image re-encoded: scaled to fit `max_side`, turned upright, metadata dropped."""
    if content_type in VECTOR:
        raise ImageFailure(f"{VECTOR[content_type]} 矢量图无法转换，请在 Word 中另存为 PNG 或 JPG 后"
                           "重新插入")
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            fmt = opened.format or ""
            opened.load()
            image = ImageOps.exif_transpose(opened)  # upright, as the phone meant it
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise ImageFailure(f"无法识别的图片（{content_type or '未知格式'}）") from err
    original = image.size
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    suffix = ".jpg" if fmt == "JPEG" else ".png"
    out = io.BytesIO()
    if suffix == ".jpg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        # No exif=, no icc_profile beyond sRGB: Pillow writes only what it is given.
        image.save(out, "JPEG", quality=88, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return SavedImage(out.getvalue(), suffix, image.size, original)
