"""JPEG and PNG documents rebuilt from their pixels alone, within a memory budget.

A small file can decode to a large image: a 194 KB PNG of 7071x7071 RGBA pixels is 200 MB
decoded. Before a pixel is decoded, the memory of every copy alive at once (the decoded
image, and a converted or turned one beside it) is judged against
``KYC_IMAGE_DECODE_BUDGET_BYTES``: a JPEG over it is decoded at 1/2, 1/4 or 1/8 of its size
(libjpeg scales while it decodes), a PNG is refused. Each step lets go of the copy before
it, and at most ``KYC_IMAGE_DECODES_PER_PROCESS`` images decode at once in a process, so
its threads together hold at most that many budgets.
"""

import io
import threading

from django.conf import settings
from PIL import Image

from kyc.errors import FileUnreadable, ImageDecodingBusy, ImageTooLarge, UnsupportedFileType

JPEG = "image/jpeg"
PNG = "image/png"

# 50 megapixels: above any phone camera's photo, far below a decompression bomb.
MAX_IMAGE_PIXELS = 50_000_000

# Shared by the threads of a worker process (gunicorn's gthread); made once, at import.
DECODE_SLOTS = threading.BoundedSemaphore(settings.KYC_IMAGE_DECODES_PER_PROCESS)

_EXIF_ORIENTATION = 0x0112
# The turn that makes a camera's pixels upright, by EXIF orientation (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Modes each format keeps as they are; any other is converted to the second.
_KEPT_MODES = {
    "JPEG": (frozenset({"L", "RGB"}), "RGB"),
    "PNG": (frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}), "RGBA"),
}
# A palette's or a colour key's transparency is part of the picture; nothing else of the
# file's metadata (EXIF, comments, ICC profiles, text chunks) reaches the encoder.
_TRANSPARENCY_MODES = frozenset({"1", "L", "P", "RGB", "I", "I;16"})


def bytes_per_pixel(mode: str) -> int:
    """What Pillow holds in memory per pixel of ``mode``: a byte for one 8-bit band, two for
    16 bits, four for the rest (three bands are padded to four)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def image_reencode(data: bytes, mime: str) -> bytes:
    """The image's pixels, upright, in a new file of the same format; refused when it does
    not decode completely or would not fit the budget, 503 when the process is busy decoding."""
    expected = "JPEG" if mime == JPEG else "PNG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise UnsupportedFileType()
            mode, turn = _plan(image, expected)
            if not DECODE_SLOTS.acquire(timeout=settings.KYC_IMAGE_DECODE_WAIT_SECONDS):
                raise ImageDecodingBusy()
            try:
                return _rebuild(image, expected, mode=mode, turn=turn)
            finally:
                DECODE_SLOTS.release()
    except (UnsupportedFileType, ImageTooLarge, ImageDecodingBusy):
        raise
    except Image.DecompressionBombError as error:
        raise ImageTooLarge() from error
    except Exception as error:  # Pillow's errors on damaged input vary by codec
        raise FileUnreadable() from error


def _plan(image: Image.Image, image_format: str) -> tuple[str, Image.Transpose | None]:
    """The mode to save in and the turn to make, from the header alone; shrinks a JPEG's
    decoding, or refuses the image, so that every copy fits the budget."""
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageTooLarge()
    kept, converted = _KEPT_MODES[image_format]
    mode = image.mode if image.mode in kept else converted
    # A PNG's EXIF may follow its pixels: read only what came before them, as reading on
    # would decode the image.
    orientation = image.getexif().get(_EXIF_ORIENTATION) if "exif" in image.info else None
    turn = _UPRIGHT.get(orientation)
    scales = (1, 2, 4, 8) if image_format == "JPEG" else (1,)
    for scale in scales:
        pixels = -(-width // scale) * -(-height // scale)
        if (
            _peak_bytes(pixels, image.mode, mode, turned=turn is not None)
            <= settings.KYC_IMAGE_DECODE_BUDGET_BYTES
        ):
            if scale > 1:
                image.draft(image.mode, (width // scale, height // scale))
            return mode, turn
    raise ImageTooLarge()


def _peak_bytes(pixels: int, decoded_mode: str, saved_mode: str, *, turned: bool) -> int:
    decoded = pixels * bytes_per_pixel(decoded_mode)
    saved = pixels * bytes_per_pixel(saved_mode)
    converting = decoded_mode != saved_mode
    # Converting holds the decoded copy and the converted one; turning, the two sides of the turn.
    return max(decoded + (saved if converting else 0), saved * (2 if turned else 1))


def _rebuild(image: Image.Image, image_format: str, *, mode: str, turn: Image.Transpose | None) -> bytes:
    image.load()  # a truncated or corrupt image fails here
    transparency = image.info.get("transparency")
    pixels = image
    if pixels.mode != mode:
        pixels = _replace(pixels, pixels.convert(mode))
        transparency = None  # the conversion carried it into the pixels
    if turn is not None:
        pixels = _replace(pixels, pixels.transpose(turn))
    pixels.info = {}
    if transparency is not None and pixels.mode in _TRANSPARENCY_MODES:
        pixels.info["transparency"] = transparency
    output = io.BytesIO()
    if image_format == "JPEG":
        pixels.save(output, format="JPEG", quality=90)
    else:
        pixels.save(output, format="PNG")
    return output.getvalue()


def _replace(old: Image.Image, new: Image.Image) -> Image.Image:
    # Frees the old copy's pixels now, not when the last reference to it goes.
    old.close()
    return new
