"""The image library (Image in newsroom/models.py): what saving, replacing and deleting a photo does to its files."""

import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, default_storage
from PIL import ExifTags
from PIL import Image as PillowImage

from newsroom.images import renditions
from newsroom.models import Image

from .factories import make_image
from .photos import camera_picture_bytes, make_photo, open_stored, picture_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files(media_root) -> set[str]:
    return {path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file()}


def rendition_names(image: Image) -> set[str]:
    return {rendition.file.name for rendition in renditions(image.file, image.width, image.height)}


def test_new_file_is_stored_under_its_content_hash():
    data = camera_picture_bytes("JPEG")
    image = make_image(file=upload(data, "IMG_2041 Nguyễn Văn A.jpg"))
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", image.file.name)
    assert image.sha256 == hashlib.sha256(data).hexdigest()


def test_stored_file_size_and_dimensions_are_recorded():
    image = make_image(file=upload(picture_bytes("PNG", (120, 80)), "anh.png"))
    assert (image.width, image.height) == (120, 80)
    assert image.file_size == default_storage.size(image.file.name)


def test_gps_position_does_not_reach_the_stored_file():
    image = make_image(file=upload(camera_picture_bytes("JPEG", (800, 600))))
    stored = open_stored(image.file.name, default_storage)
    assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert len(stored.getexif()) == 0


def test_gps_position_does_not_reach_any_rendition():
    image = make_image(file=upload(camera_picture_bytes("JPEG", (800, 600))))
    for name in rendition_names(image):
        rendition = open_stored(name, default_storage)
        assert len(rendition.getexif()) == 0
        assert "xmp" not in rendition.info


def test_orientation_is_applied_to_the_stored_file_and_its_size():
    image = make_image(file=upload(camera_picture_bytes("JPEG", (400, 200), orientation=6)))
    assert (image.width, image.height) == (200, 400)
    assert open_stored(image.file.name, default_storage).size == (200, 400)


def test_renditions_are_written_in_every_width_and_format(media_root):
    image = make_photo((2000, 1000))
    made = {}
    for name in rendition_names(image):
        picture = open_stored(name, default_storage)
        made[picture.format, picture.size] = name
    expected_sizes = [(320, 160), (640, 320), (1024, 512), (1600, 800)]
    assert set(made) == {(image_format, size) for image_format in ("WEBP", "JPEG") for size in expected_sizes}
    assert set(made.values()) <= stored_files(media_root)


def test_png_falls_back_to_png():
    image = make_photo((700, 350), "PNG")
    formats = {open_stored(name, default_storage).format for name in rendition_names(image)}
    assert formats == {"WEBP", "PNG"}


def test_webp_original_is_served_as_webp_only():
    image = make_photo((700, 350), "WEBP")
    formats = [open_stored(name, default_storage).format for name in rendition_names(image)]
    assert formats == ["WEBP"] * 3


@pytest.mark.parametrize(
    ("image_format", "mode", "extra"),
    [
        ("JPEG", "L", {}),
        ("JPEG", "CMYK", {}),
        ("PNG", "P", {"transparency": 0}),
        ("PNG", "LA", {}),
        ("PNG", "RGBA", {}),
        ("PNG", "I;16", {}),
        ("PNG", "1", {}),
        ("WEBP", "RGBA", {}),
        ("GIF", "P", {}),
    ],
)
def test_every_kind_of_pixel_gets_its_renditions(image_format, mode, extra):
    data = picture_bytes(image_format, (700, 350), mode=mode, **extra)
    image = make_image(file=upload(data, "anh"))
    for name in rendition_names(image):
        assert open_stored(name, default_storage).width in {320, 640, 700}


def test_showing_a_photo_reads_nothing_from_storage(monkeypatch):
    image = make_photo((2000, 1000))
    image = Image.objects.get(pk=image.pk)

    def refuse(*args, **kwargs):
        raise AssertionError("storage was asked")

    for method in ("exists", "open", "size", "listdir"):
        monkeypatch.setattr(FileSystemStorage, method, refuse)
    picture = image.picture()
    assert picture.width == 1600
    assert len(picture.files) == 8


def test_editing_the_caption_leaves_the_files_alone(media_root):
    image = make_photo((700, 350))
    before = {path: (media_root / path).stat().st_mtime_ns for path in stored_files(media_root)}
    image = Image.objects.get(pk=image.pk)
    image.caption = "Chú thích mới"
    image.save()
    after = {path: (media_root / path).stat().st_mtime_ns for path in stored_files(media_root)}
    assert after == before


def test_identical_file_is_refused_and_the_existing_image_named():
    data = picture_bytes("JPEG")
    first = make_image(file=upload(data), caption="Ảnh đã có")
    with pytest.raises(ValidationError) as refused:
        make_image(file=upload(data, "ban-sao.jpg"))
    message = refused.value.message_dict["file"][0]
    assert f"/admin/newsroom/image/{first.pk}/change/" in message
    assert "Ảnh đã có" in message
    assert Image.objects.count() == 1


def test_refused_duplicate_stores_nothing(media_root):
    data = picture_bytes("JPEG")
    make_image(file=upload(data))
    before = stored_files(media_root)
    with pytest.raises(ValidationError):
        make_image(file=upload(data, "ban-sao.jpg"))
    assert stored_files(media_root) == before


def test_not_a_picture_is_refused_on_save_too(media_root):
    with pytest.raises(ValidationError):
        make_image(file=upload(b"MZ\x90\x00 an executable", "anh.jpg"))
    assert not Image.objects.exists()
    assert stored_files(media_root) == set()


def test_file_written_before_save_is_cleaned_and_the_raw_copy_removed(media_root):
    """As when a picture is copied from elsewhere with FieldFile.save(save=False), then the record saved."""
    image = Image(alt_text="Ảnh gửi kèm")
    image.file.save("gui-kem.jpg", ContentFile(camera_picture_bytes("JPEG")), save=False)
    raw_name = image.file.name
    image.save()
    assert image.file.name != raw_name
    assert not default_storage.exists(raw_name)
    assert len(open_stored(image.file.name, default_storage).getexif()) == 0


def test_same_file_finds_the_image_holding_it():
    data = picture_bytes("PNG")
    image = make_image(file=upload(data, "anh.png"))
    assert list(Image.objects.holding(io.BytesIO(data))) == [image]


def test_deleting_an_image_removes_its_file_and_renditions(media_root, django_capture_on_commit_callbacks):
    keep = make_photo((700, 350))
    kept_files = stored_files(media_root)
    image = make_photo((700, 350))
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert stored_files(media_root) == kept_files
    assert default_storage.exists(keep.file.name)


def test_deleting_a_queryset_removes_the_files(media_root, django_capture_on_commit_callbacks):
    make_photo()
    make_photo()
    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.all().delete()
    assert stored_files(media_root) == set()


def test_files_stay_until_the_deletion_commits(media_root, django_capture_on_commit_callbacks):
    image = make_photo()
    with django_capture_on_commit_callbacks(execute=False):
        image.delete()
    assert default_storage.exists(image.file.name)


def test_replacing_the_file_removes_the_old_one_and_its_renditions(media_root, django_capture_on_commit_callbacks):
    image = make_photo((700, 350))
    old_files = stored_files(media_root)
    image = Image.objects.get(pk=image.pk)
    image.file = upload(picture_bytes("PNG", (500, 500)), "moi.png")
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert not old_files & stored_files(media_root)
    assert {image.file.name, *rendition_names(image)} == stored_files(media_root)


def test_clearing_the_file_removes_it_and_forgets_its_hash(media_root, django_capture_on_commit_callbacks):
    image = Image.objects.get(pk=make_photo().pk)
    image.file = None
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    image.refresh_from_db()
    assert (image.sha256, image.file_size, image.width) == ("", None, None)
    assert stored_files(media_root) == set()


def test_a_deleted_photo_can_be_uploaded_again(media_root, django_capture_on_commit_callbacks):
    data = picture_bytes("JPEG", (700, 350))
    with django_capture_on_commit_callbacks(execute=True):
        make_image(file=upload(data)).delete()
    image = make_image(file=upload(data))
    assert {image.file.name, *rendition_names(image)} == stored_files(media_root)


def test_image_without_file_has_no_picture():
    assert make_image().picture() is None


def test_images_without_files_do_not_clash_on_the_hash():
    make_image()
    make_image()
    assert Image.objects.filter(sha256="").count() == 2


def test_pillow_sees_the_stored_file_as_what_it_is():
    image = make_image(file=upload(picture_bytes("GIF"), "anh.png"))
    assert image.file.name.endswith(".gif")
    with default_storage.open(image.file.name, "rb") as stored:
        assert PillowImage.open(File(stored)).format == "GIF"


def test_saving_an_image_loaded_without_its_file_column_keeps_the_file(media_root):
    image = make_photo((700, 350))
    before = stored_files(media_root)
    partial = Image.objects.only("caption").get(pk=image.pk)
    partial.caption = "Chú thích sửa nhanh"
    partial.save()
    assert Image.objects.get(pk=image.pk).file.name == image.file.name
    assert stored_files(media_root) == before
