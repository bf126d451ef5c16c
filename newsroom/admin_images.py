"""Photos in the admin: a thumbnail column for changelists, a preview and the renditions on the change form."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join

from .images import VerifiedImageField
from .models import Image

THUMBNAIL_WIDTH = 80
PREVIEW_WIDTH = 480


def scaled_img(image: Image, url: str, width: int, alt: str = "") -> str:
    """An <img> at a fixed display width with the photo's proportions, so the changelist does not jump."""
    height = max(1, round(image.height * width / image.width))
    return format_html('<img src="{}" width="{}" height="{}" alt="{}">', url, width, height, alt)


def thumbnail(image: Image | None) -> str:
    if image is None or (picture := image.picture()) is None:
        return "—"
    return scaled_img(image, picture.thumbnail.url, THUMBNAIL_WIDTH)


class ImageAdminBase(admin.ModelAdmin):
    """Uploads are checked by verify_image (its reasons, whatever the file is called); the form shows the photo."""

    formfield_overrides = {
        models.ImageField: {
            "form_class": VerifiedImageField,
            "widget": AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
            # The stored name is the content hash, so a long name on the editor's disk does not matter.
            "max_length": None,
        }
    }

    @admin.display(description="ảnh")
    def thumbnail(self, obj: Image) -> str:
        return thumbnail(obj)

    @admin.display(description="xem trước")
    def preview(self, obj: Image) -> str:
        picture = obj.picture()
        if picture is None:
            return "Chưa có tệp ảnh: trang công khai chỉ hiện chú thích và nguồn ảnh."
        return format_html(
            '<a href="{}">{}</a><p>{} × {} px · {} · {}</p>',
            obj.file.url,
            scaled_img(obj, picture.src, PREVIEW_WIDTH, obj.alt_text),
            obj.width,
            obj.height,
            filesizeformat(obj.file_size),
            obj.credit or "chưa ghi nguồn ảnh",
        )

    @admin.display(description="các bản cỡ nhỏ")
    def renditions(self, obj: Image) -> str:
        picture = obj.picture()
        if picture is None:
            return "—"
        return format_html_join(
            ", ", '<a href="{}">{} px {}</a>', ((file.url, file.width, file.format) for file in picture.files)
        )
