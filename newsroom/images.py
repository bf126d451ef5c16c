"""Checks that an uploaded file really is a picture we accept, by opening it, never by its name."""

import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from PIL import Image as PillowImage
from PIL import UnidentifiedImageError

MEGABYTE = 1024 * 1024
EDITORIAL_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
EDITORIAL_MAX_BYTES = 20 * MEGABYTE
EDITORIAL_MAX_PIXELS = 40_000_000


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
