"""Photos from upload to page: checked by opening them (never by their name), cleaned of metadata, stored once
under their content hash, and served in a few widths as WebP with the original format as fallback.

Renditions are django-imagekit specs with the Optimistic strategy: they are made when a photo is stored, and a
page only computes their names (from the source name and the spec), so listing photos costs no query and no
storage round-trip.
"""

import functools
import hashlib
import io
import posixpath
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from imagekit.cachefiles import ImageCacheFile
from imagekit.specs import ImageSpec
from PIL import Image as PillowImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError
from pilkit.processors.utils import resolve_palette
from pilkit.utils import extension_to_format, format_to_mimetype

MEGABYTE = 1024 * 1024
EDITORIAL_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
EDITORIAL_MAX_BYTES = 20 * MEGABYTE
EDITORIAL_MAX_PIXELS = 40_000_000

EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# What a stored file keeps of Pillow's per-image info: how to show the pixels, nothing about who, where or when.
KEPT_INFO = frozenset({"icc_profile", "transparency", "duration", "loop", "background", "disposal"})
STORED_OPTIONS = {
    "JPEG": {"quality": "keep", "subsampling": "keep"},
    "PNG": {},
    "WEBP": {"quality": 90},
    "GIF": {},
}

RENDITION_WIDTHS = (320, 640, 1024, 1600)
RENDITION_OPTIONS = {
    "WEBP": {"quality": 80, "method": 4},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
}
# The fallback is the original format; a GIF falls back to PNG (a resized photo in 256 colours looks broken),
# and a WebP original needs no fallback.
FALLBACK_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG"}


@dataclass(frozen=True)
class VerifiedImage:
    format: str
    width: int
    height: int


def verify_image(
    upload: IO[bytes],
    *,
    formats: frozenset[str] = EDITORIAL_FORMATS,
    max_bytes: int = EDITORIAL_MAX_BYTES,
    max_pixels: int = EDITORIAL_MAX_PIXELS,
) -> VerifiedImage:
    """Open, verify and fully decode an upload; raise ValidationError with a reader-facing reason."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_bytes:
        raise ValidationError(
            "Ảnh quá lớn: tối đa %(limit)d MB.", code="too_large", params={"limit": max_bytes // MEGABYTE}
        )
    allowed = ", ".join(sorted(formats))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PillowImage.DecompressionBombWarning)
            upload.seek(0)
            with PillowImage.open(upload) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in formats:
                    raise ValidationError(
                        "Định dạng không được chấp nhận; chỉ nhận %(allowed)s.",
                        code="format",
                        params={"allowed": allowed},
                    )
                if width * height > max_pixels:
                    raise ValidationError(
                        "Ảnh có quá nhiều điểm ảnh: tối đa %(limit)d triệu.",
                        code="too_many_pixels",
                        params={"limit": max_pixels // 1_000_000},
                    )
                probe.verify()
            upload.seek(0)
            with PillowImage.open(upload) as decoded:
                decoded.load()
    except ValidationError:
        raise
    except (PillowImage.DecompressionBombError, PillowImage.DecompressionBombWarning) as error:
        raise ValidationError("Ảnh bị từ chối vì có thể là “bom giải nén”.", code="bomb") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "Tệp không phải là ảnh hợp lệ hoặc đã bị hỏng; chỉ nhận %(allowed)s.",
            code="invalid",
            params={"allowed": allowed},
        ) from error
    finally:
        upload.seek(0)
    return VerifiedImage(format=image_format, width=width, height=height)


class VerifiedImageField(forms.FileField):
    """A file input that accepts a picture by what it is, whatever it is called, with verify_image's reasons."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def to_python(self, data: Any) -> File | None:
        upload = super().to_python(data)
        if upload is not None:
            verify_image(upload)
        return upload


def content_hash(upload: IO[bytes]) -> str:
    """SHA-256 of the bytes as uploaded: the same file uploaded twice has the same hash."""
    upload.seek(0)
    digest = hashlib.file_digest(upload, "sha256").hexdigest()
    upload.seek(0)
    return digest


@dataclass(frozen=True)
class CleanedImage:
    content: ContentFile
    sha256: str


def clean_image(upload: IO[bytes]) -> CleanedImage:
    """Verify the upload, turn it upright by its EXIF orientation, and re-encode it without any metadata.

    The colour profile is kept: it says how to show the pixels, not who took them or where. The stored name is
    the content hash, which leaks nothing of the uploader's file name and never collides.
    """
    verified = verify_image(upload)
    digest = content_hash(upload)
    output = io.BytesIO()
    with PillowImage.open(upload) as picture:
        animated = getattr(picture, "n_frames", 1) > 1
        if not animated:
            ImageOps.exif_transpose(picture, in_place=True)
        picture.info = {key: value for key, value in picture.info.items() if key in KEPT_INFO}
        profile = {"icc_profile": picture.info["icc_profile"]} if "icc_profile" in picture.info else {}
        picture.save(output, verified.format, save_all=animated, **profile, **STORED_OPTIONS[verified.format])
    upload.seek(0)
    name = digest[:32] + EXTENSIONS[verified.format]
    return CleanedImage(content=ContentFile(output.getvalue(), name=name), sha256=digest)


SRGB = ImageCms.createProfile("sRGB")


class ShrinkTo:
    """Resize to an exact size the way Image.thumbnail() does it: a JPEG is decoded at a reduced scale first and
    the resampling starts with a cheap integer reduction, which makes the renditions of a 24-megapixel photo
    about twice as fast as pilkit's ResizeToFit, with no visible difference.

    A photo with a colour profile is converted to sRGB, which browsers assume for a file without one.
    """

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height

    def process(self, img: PillowImage.Image) -> PillowImage.Image:
        size = (self.width, self.height)
        if img.size != size:
            img.draft(img.mode, size)
        img = to_srgb(resolve_palette(img))
        if img.size == size:
            return img
        return img.resize(size, PillowImage.Resampling.LANCZOS, reducing_gap=2.0)


def to_srgb(img: PillowImage.Image) -> PillowImage.Image:
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in {"RGB", "RGBA", "CMYK"}:
        return img
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(img, profile, SRGB, outputMode="RGBA" if img.mode == "RGBA" else "RGB")
    except ImageCms.PyCMSError:
        return img


class Rendition(ImageSpec):
    """One size of a photo in one format."""

    cachefile_strategy = "imagekit.cachefiles.strategies.Optimistic"

    def __init__(self, source: File, width: int, height: int, image_format: str) -> None:
        self.processors = [ShrinkTo(width, height)]
        self.format = image_format
        self.options = RENDITION_OPTIONS[image_format]
        super().__init__(source=source)


@dataclass(frozen=True)
class RenditionFile:
    file: ImageCacheFile
    width: int
    height: int
    format: str

    @property
    def url(self) -> str:
        return self.file.url

    @property
    def mime_type(self) -> str:
        return format_to_mimetype(self.format)


def rendition_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The standard widths narrower than the photo, then the photo's own width up to the widest standard one."""
    widest = min(width, RENDITION_WIDTHS[-1])
    widths = [*(w for w in RENDITION_WIDTHS if w < widest), widest]
    return [(w, max(1, round(height * w / width))) for w in widths]


def rendition_formats(name: str) -> list[str]:
    fallback = FALLBACK_FORMATS.get(extension_to_format(posixpath.splitext(name)[1]))
    return ["WEBP", fallback] if fallback else ["WEBP"]


def renditions(source: File, width: int, height: int) -> list[RenditionFile]:
    """Every rendition of a stored photo, computed from its name and size alone (no storage access)."""
    return [
        RenditionFile(
            file=ImageCacheFile(Rendition(source, target_width, target_height, image_format)),
            width=target_width,
            height=target_height,
            format=image_format,
        )
        for image_format in rendition_formats(source.name)
        for target_width, target_height in rendition_sizes(width, height)
    ]


def make_renditions(source: File, width: int, height: int, *, missing_only: bool = False) -> int:
    """Write the renditions of a newly stored photo (or only those missing from storage); return how many.

    Pages only name renditions, never make them. Generation is forced, because imagekit's cached "exists" state
    may outlive the files of a deleted photo that is uploaded again; an old file is deleted first, or storage
    would save the new one under another name.
    """
    made = 0
    for rendition in renditions(source, width, height):
        storage, name = rendition.file.storage, rendition.file.name
        if missing_only and storage.exists(name):
            continue
        storage.delete(name)
        rendition.file.generate(force=True)
        made += 1
    return made


def rendition_directory(source: File) -> str:
    """Where imagekit's namer puts all the renditions of one source (its own folder, named after the source)."""
    return posixpath.dirname(ImageCacheFile(Rendition(source, 1, 1, "WEBP")).name)


def remove_files(storage: Storage, names: Iterable[str]) -> None:
    """Delete stored photos and every rendition made from them."""
    for name in names:
        source = File(None, name=name)
        directory = rendition_directory(source)
        try:
            _, files = storage.listdir(directory)
        except FileNotFoundError:
            files = []
        for rendition in files:
            storage.delete(posixpath.join(directory, rendition))
        storage.delete(name)


@dataclass(frozen=True)
class Source:
    mime_type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What a <picture> element needs: WebP first, the fallback format in the <img>, and the intrinsic size."""

    sources: list[Source]
    src: str
    srcset: str
    width: int
    height: int
    thumbnail: RenditionFile
    largest: RenditionFile
    files: list[RenditionFile]


def srcset(files: list[RenditionFile]) -> str:
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in files)


@functools.lru_cache(maxsize=4096)
def picture(source: File, width: int, height: int) -> Picture:
    """Remembered per file name and size (a File hashes by its name): naming a rendition pickles and hashes its
    spec, about 0.7 ms each, eight per photo; a list page would otherwise spend most of its time there."""
    return build_picture(source, width, height)


@receiver(setting_changed)
def forget_pictures(**kwargs: Any) -> None:
    """Rendition URLs depend on the storage settings."""
    picture.cache_clear()


def build_picture(source: File, width: int, height: int) -> Picture:
    files = renditions(source, width, height)
    by_format: dict[str, list[RenditionFile]] = {}
    for rendition in files:
        by_format.setdefault(rendition.format, []).append(rendition)
    fallback = by_format[rendition_formats(source.name)[-1]]
    middle = next((rendition for rendition in fallback if rendition.width >= RENDITION_WIDTHS[2]), fallback[-1])
    largest = fallback[-1]
    return Picture(
        sources=[Source(mime_type=format_to_mimetype("WEBP"), srcset=srcset(by_format["WEBP"]))]
        if len(by_format) > 1
        else [],
        src=middle.url,
        srcset=srcset(fallback),
        width=largest.width,
        height=largest.height,
        thumbnail=by_format["WEBP"][0],
        largest=largest,
        files=files,
    )
