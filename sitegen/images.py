"""Gallery pictures: a large version for viewing and a thumbnail for the gallery grid.

Both are JPEG, whatever the source: cameras give photographs, and every browser and
sharing service reads JPEG. Pure on bytes, so results can be kept by the source's hash.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from .model import Picture

if TYPE_CHECKING:
    from PIL.Image import Image as PillowImage

LARGE = 1600  # longest side of the version a reader opens
THUMBNAIL = (480, 360)  # the box a thumbnail fits in


class NotAPicture(ValueError):
    """The bytes are not an image Pillow can read."""


def derive(data: bytes) -> Picture:
    # Imported here: a site without pictures, and every rebuild that keeps them, never needs it.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)  # phones store portraits rotated
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise NotAPicture(str(error)) from None
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    large = image.copy()
    large.thumbnail((LARGE, LARGE), Image.Resampling.LANCZOS)
    small = image.copy()
    small.thumbnail(THUMBNAIL, Image.Resampling.LANCZOS)
    return Picture(_jpeg(large, 85), _jpeg(small, 80), small.size)


def _jpeg(image: PillowImage, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
