"""The upload check: real pictures pass, anything else is refused with a reason."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PillowImage

from newsroom.images import verify_image


def picture(image_format: str, size: tuple[int, int] = (40, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_accepted_formats_pass_with_their_size(image_format):
    checked = verify_image(picture(image_format))
    assert (checked.format, checked.width, checked.height) == (image_format, 40, 30)


def test_format_outside_the_allowed_set_is_refused():
    with pytest.raises(ValidationError) as refused:
        verify_image(picture("GIF"), formats=frozenset({"JPEG", "PNG", "WEBP"}))
    assert refused.value.code == "format"


def test_text_named_like_an_image_is_refused():
    with pytest.raises(ValidationError) as refused:
        verify_image(io.BytesIO(b"<script>alert(1)</script> not a picture"))
    assert refused.value.code == "invalid"


def test_truncated_file_is_refused():
    data = picture("PNG", (200, 200)).getvalue()
    with pytest.raises(ValidationError) as refused:
        verify_image(io.BytesIO(data[: len(data) // 2]))
    assert refused.value.code == "invalid"


def test_oversized_file_is_refused_before_decoding():
    with pytest.raises(ValidationError) as refused:
        verify_image(picture("PNG"), max_bytes=10)
    assert refused.value.code == "too_large"


def test_too_many_pixels_is_refused():
    with pytest.raises(ValidationError) as refused:
        verify_image(picture("PNG", (100, 100)), max_pixels=5_000)
    assert refused.value.code == "too_many_pixels"


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(PillowImage, "MAX_IMAGE_PIXELS", 1_000)
    with pytest.raises(ValidationError) as refused:
        verify_image(picture("PNG", (100, 100)), max_pixels=10**9)
    assert refused.value.code == "bomb"
