"""Photos in newsroom/images.py: the upload check, the cleaning, and the renditions' sizes, formats and names."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import File
from PIL import ExifTags, ImageCms
from PIL import Image as PillowImage

from newsroom.images import clean_image, rendition_formats, rendition_sizes, renditions, verify_image

from .photos import COMMENT, XMP, camera_exif, camera_picture_bytes, picture_bytes, png_bomb


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


# Cleaning: upright, no metadata, the same format.


def stored_picture(data: bytes) -> PillowImage.Image:
    cleaned = clean_image(io.BytesIO(data))
    picture = PillowImage.open(io.BytesIO(cleaned.content.read()))
    picture.load()
    return picture


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_cleaning_keeps_the_format(image_format):
    assert stored_picture(camera_picture_bytes(image_format)).format == image_format


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_cleaning_drops_exif_xmp_and_comments(image_format):
    picture = stored_picture(camera_picture_bytes(image_format))
    assert len(picture.getexif()) == 0
    assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(picture.info)


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_cleaned_bytes_carry_no_trace_of_the_camera(image_format):
    data = clean_image(io.BytesIO(camera_picture_bytes(image_format))).content.read()
    assert b"Synthetic camera" not in data
    assert XMP not in data
    assert COMMENT not in data


def test_the_source_file_really_had_gps():
    """The fixture is what the other tests claim to clean: a JPEG with a GPS position."""
    with PillowImage.open(io.BytesIO(camera_picture_bytes("JPEG"))) as picture:
        assert picture.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (21.0, 1.0, 42.0)


def test_exif_orientation_is_applied_before_the_tag_is_dropped():
    buffer = io.BytesIO()
    source = PillowImage.new("RGB", (40, 20), (255, 0, 0))
    source.paste((0, 0, 255), (20, 0, 40, 20))  # left half red, right half blue
    source.save(buffer, "PNG", exif=camera_exif(orientation=6))
    picture = stored_picture(buffer.getvalue())
    # Orientation 6: the camera was turned a quarter clockwise; shown upright, the left half ends up on top.
    assert picture.size == (20, 40)
    assert picture.getpixel((10, 5)) == (255, 0, 0)
    assert picture.getpixel((10, 35)) == (0, 0, 255)


def test_colour_profile_is_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture = stored_picture(picture_bytes("JPEG", icc_profile=profile))
    assert picture.info["icc_profile"] == profile


def test_animated_gif_keeps_its_frames():
    frames = [PillowImage.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0, comment=COMMENT)
    picture = stored_picture(buffer.getvalue())
    assert picture.n_frames == 3
    assert "comment" not in picture.info


def test_cleaned_file_is_named_by_the_hash_of_the_upload():
    data = camera_picture_bytes("PNG")
    cleaned = clean_image(io.BytesIO(data))
    assert cleaned.sha256 == hashlib.sha256(data).hexdigest()
    assert cleaned.content.name == f"{cleaned.sha256[:32]}.png"


def test_cleaning_refuses_what_verify_image_refuses():
    with pytest.raises(ValidationError) as refused:
        clean_image(io.BytesIO(b"GIF89a but not really"))
    assert refused.value.code == "invalid"


def test_real_png_bomb_is_refused():
    with pytest.raises(ValidationError) as refused:
        verify_image(io.BytesIO(png_bomb()))
    assert refused.value.code == "bomb"


# Renditions: sizes and formats, computed without touching storage.


def test_rendition_sizes_follow_the_standard_widths():
    assert rendition_sizes(2000, 1000) == [(320, 160), (640, 320), (1024, 512), (1600, 800)]


def test_a_narrow_photo_is_never_enlarged():
    assert rendition_sizes(700, 350) == [(320, 160), (640, 320), (700, 350)]


def test_a_tiny_photo_has_one_rendition_at_its_own_size():
    assert rendition_sizes(40, 30) == [(40, 30)]


@pytest.mark.parametrize(
    ("name", "formats"),
    [("a.jpg", ["WEBP", "JPEG"]), ("a.png", ["WEBP", "PNG"]), ("a.gif", ["WEBP", "PNG"]), ("a.webp", ["WEBP"])],
)
def test_webp_comes_first_with_the_original_format_as_fallback(name, formats):
    assert rendition_formats(name) == formats


def test_rendition_names_depend_on_the_source_and_the_size():
    first = [r.file.name for r in renditions(File(None, name="images/a.jpg"), 2000, 1000)]
    again = [r.file.name for r in renditions(File(None, name="images/a.jpg"), 2000, 1000)]
    other = [r.file.name for r in renditions(File(None, name="images/b.jpg"), 2000, 1000)]
    assert first == again
    assert len(set(first)) == 8
    assert not set(first) & set(other)
    assert all(name.startswith("renditions/images/a/") for name in first)
