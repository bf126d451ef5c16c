"""Photos in the admin: uploads checked with reasons, duplicates named, thumbnails and previews shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.images import EDITORIAL_MAX_BYTES
from newsroom.models import Image

from .factories import make_article, make_event, make_image, make_partner
from .photos import camera_picture_bytes, make_photo, picture_bytes, png_bomb, truncated_picture_bytes, upload

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:newsroom_image_add")


def post_upload(admin_client, data: bytes, name: str):
    fields = {"alt_text": "Đoàn đại biểu chụp ảnh lưu niệm", "caption": "Chụp ảnh lưu niệm", "credit": "Ảnh: Thử"}
    return admin_client.post(ADD_URL, {**fields, "file": upload(data, name)})


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("image_format", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("GIF", "a.gif")]
)
def test_each_accepted_format_is_stored(admin_client, image_format, name):
    response = post_upload(admin_client, picture_bytes(image_format, (800, 600)), name)
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (800, 600)
    assert image.credit == "Ảnh: Thử"


def test_a_picture_is_accepted_whatever_it_is_called(admin_client):
    assert post_upload(admin_client, picture_bytes("JPEG"), "anh-tu-dien-thoai.txt").status_code == 302
    assert Image.objects.get().file.name.endswith(".jpg")


def test_a_long_file_name_does_not_matter(admin_client):
    assert post_upload(admin_client, picture_bytes("JPEG"), "ảnh " * 60 + ".jpg").status_code == 302


REFUSED = {
    "text named like a photo": (b"<?php system($_GET['c']); ?>", "anh.jpg", "không phải là ảnh hợp lệ"),
    "truncated PNG": (truncated_picture_bytes("PNG"), "anh.png", "không phải là ảnh hợp lệ"),
    "truncated JPEG": (truncated_picture_bytes("JPEG"), "anh.jpg", "không phải là ảnh hợp lệ"),
    "decompression bomb": (png_bomb(), "anh.png", "bom giải nén"),
    "over 20 MB": (picture_bytes("JPEG") + bytes(EDITORIAL_MAX_BYTES), "anh.jpg", "tối đa 20 MB"),
    "TIFF": (picture_bytes("TIFF"), "anh.jpg", "chỉ nhận GIF, JPEG, PNG, WEBP"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_upload_says_why(admin_client, case):
    data, name, reason = REFUSED[case]
    response = post_upload(admin_client, data, name)
    assert response.status_code == 200
    assert reason in response.context["adminform"].form.errors["file"][0]


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_refused_upload_saves_nothing(admin_client, media_root, case):
    data, name, _ = REFUSED[case]
    post_upload(admin_client, data, name)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_duplicate_upload_links_to_the_image_already_stored(admin_client):
    data = camera_picture_bytes("JPEG")
    existing = make_image(file=upload(data), caption="Lễ ký kết tại Suwon")
    response = post_upload(admin_client, data, "lan-hai.jpg")
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<a href="/admin/newsroom/image/{existing.pk}/change/">ảnh số {existing.pk} – “Lễ ký kết tại Suwon”</a>'
        in page
    )
    assert Image.objects.count() == 1


def test_changing_the_caption_of_a_stored_photo_keeps_its_file(admin_client):
    image = make_photo((800, 600))
    url = reverse("admin:newsroom_image_change", args=[image.pk])
    response = admin_client.post(url, {"alt_text": image.alt_text, "caption": "Chú thích mới", "credit": "Ảnh: TTXVN"})
    assert response.status_code == 302
    changed = Image.objects.get(pk=image.pk)
    assert (changed.caption, changed.file.name, changed.sha256) == ("Chú thích mới", image.file.name, image.sha256)


def test_change_form_previews_the_photo_with_its_renditions(admin_client):
    image = make_photo((2000, 1000), credit="Ảnh: TTXVN")
    page = admin_client.get(reverse("admin:newsroom_image_change", args=[image.pk])).content.decode()
    picture = image.picture()
    assert f'<img src="{picture.src}" width="480" height="240" alt="{image.alt_text}">' in page
    assert "2000 × 1000 px" in page
    assert "Ảnh: TTXVN" in page
    assert all(f'<a href="{file.url}">{file.width} px {file.format}</a>' in page for file in picture.files)
    assert image.sha256 in page


def test_change_form_of_an_image_without_file_says_so(admin_client):
    image = make_image()
    page = admin_client.get(reverse("admin:newsroom_image_change", args=[image.pk])).content.decode()
    assert "Chưa có tệp ảnh" in page


ATTACH = {
    "image": lambda photo: photo,
    "article": lambda photo: make_article(cover_image=photo),
    "partner": lambda photo: make_partner(logo=photo),
    "event": lambda photo: make_event(image=photo),
}


@pytest.mark.parametrize("model", ATTACH)
def test_changelists_show_thumbnails(admin_client, model):
    photo = make_photo((800, 400))
    ATTACH[model](photo)
    page = admin_client.get(reverse(f"admin:newsroom_{model}_changelist")).content.decode()
    assert f'<img src="{photo.picture().thumbnail.url}" width="80" height="40" alt="">' in page


@pytest.mark.parametrize("model", ATTACH)
def test_changelist_queries_do_not_grow_with_thumbnails(admin_client, model):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse(f"admin:newsroom_{model}_changelist")).status_code == 200
        return len(captured)

    ATTACH[model](make_photo())
    few = queries()
    for _ in range(10):
        ATTACH[model](make_photo())
    assert queries() == few


def test_article_gallery_rows_show_their_thumbnails(admin_client):
    photo = make_photo((800, 400))
    article = make_article()
    article.placements.create(image=photo, position=1)
    page = admin_client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert photo.picture().thumbnail.url in page
