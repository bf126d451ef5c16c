"""Synthetic pictures made with Pillow for the tests: flat colours and gradients, never a real photo."""

import io
import itertools
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PillowImage

from newsroom.models import Image

from .factories import make_image

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Hà Nội, as a camera would record it: degrees, minutes, seconds.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (21.0, 1.0, 42.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (105.0, 51.0, 14.0),
}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="21,1.7N"/></x:xmpmeta>'
COMMENT = b"camera owner: Nguyen Van A"
_colours = itertools.count()


def camera_exif(orientation: int = 1) -> bytes:
    """EXIF as a phone writes it: make, orientation and the GPS position."""
    exif = PillowImage.Exif()
    exif[ExifTags.Base.Make] = "Synthetic camera"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif.tobytes()


def unique_colour() -> tuple[int, int, int]:
    """512 colours in turn, far enough apart that JPEG compression cannot make two of them the same file."""
    number = next(_colours)
    return ((number % 8) * 32, (number // 8 % 8) * 32, (number // 64 % 8) * 32)


def picture_bytes(image_format: str = "JPEG", size: tuple[int, int] = (40, 30), *, mode: str = "RGB", **save) -> bytes:
    """A picture of one colour (different on every call, so that no two are the same file)."""
    colour = unique_colour()
    picture = PillowImage.new(mode, size, colour if mode in {"RGB", "RGBA"} else colour[0])
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **save)
    return buffer.getvalue()


def truncated_picture_bytes(image_format: str = "PNG") -> bytes:
    """The first half of a noisy picture: the cut falls inside the pixel data, whatever the colours."""
    buffer = io.BytesIO()
    PillowImage.effect_noise((300, 300), 64).convert("RGB").save(buffer, image_format)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def camera_picture_bytes(image_format: str = "JPEG", size: tuple[int, int] = (40, 30), orientation: int = 1) -> bytes:
    """A picture carrying everything a camera or an editing program may leave in a file: EXIF with GPS, XMP, comment."""
    extra = {"exif": camera_exif(orientation)}
    if image_format in {"JPEG", "WEBP"}:
        extra["xmp"] = XMP
    if image_format in {"JPEG", "GIF"}:
        extra["comment"] = COMMENT
    return picture_bytes(image_format, size, **extra)


def upload(data: bytes, name: str = "anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def png_bomb(side: int = 20_000) -> bytes:
    """A valid one-bit PNG of side × side pixels: 50 KB on disk, 400 megapixels once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + bytes((side + 7) // 8)) * 1000
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(rows) for _ in range(side // 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def make_photo(size: tuple[int, int] = (40, 30), image_format: str = "JPEG", **fields) -> Image:
    """An image record with a real (synthetic) file, stored the way an upload is."""
    data = picture_bytes(image_format, size)
    return make_image(file=upload(data, f"anh.{EXTENSIONS[image_format]}"), **fields)


def open_stored(name: str, storage) -> PillowImage.Image:
    with storage.open(name, "rb") as stored:
        picture = PillowImage.open(io.BytesIO(stored.read()))
        picture.load()
    return picture
