"""The newsroom's content: places, partners, the relationships between them, and the news."""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo
from collections.abc import Callable, Iterable
from functools import cache, partial
from pathlib import PurePath
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.signals import setting_changed
from django.core.validators import MinLengthValidator
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Lower, Upper
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import images
from .folding import SOURCES, folded_values, in_every_language


def vietnamese_slugify(text: str) -> str:
    """ASCII slug that keeps đ/Đ as d (Django's slugify would drop it: "Đà Nẵng" → "a-nang")."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))


URL_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# What comes before and after the slug in a view's URL, per view, language, script prefix and URLconf.
URL_AROUND_SLUG: dict[tuple[str, str, str | None, str, str | None], tuple[str, str]] = {}


def slug_url(viewname: str, value: str, kwarg: str = "slug") -> str:
    """``reverse(viewname, kwargs={kwarg: value})`` for a view whose URL ends with a slug: the same URL, without
    resolving the pattern for each of the hundred links of a list page (Django's reverse costs ~30 µs a call)."""
    key = (viewname, kwarg, get_language(), get_script_prefix(), get_urlconf())
    around = URL_AROUND_SLUG.get(key)
    if around and URL_SLUG.fullmatch(value):
        return f"{around[0]}{value}{around[1]}"
    url = reverse(viewname, kwargs={kwarg: value})
    head, _, tail = url.rpartition(value)
    if URL_SLUG.fullmatch(value) and tail == "/":
        URL_AROUND_SLUG[key] = (head, tail)
    return url


@receiver(setting_changed)
def forget_urls(setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        URL_AROUND_SLUG.clear()


class NamedInLanguages:
    """Places and partners whose English and Korean names sit in plain ``name_en``/``name_ko`` columns."""

    name: str

    NAME_FIELDS = ("name", "name_en", "name_ko")

    @property
    def localized_name(self) -> str:
        return name_in_language(lambda field: getattr(self, field, ""))


def name_in_language(name: Callable[[str], str]) -> str:
    """The name in the reader's language, or the Vietnamese one where none is recorded; ``name`` reads a name
    field (``name``, ``name_en``, …) of an instance or of a plain row."""
    return name(f"name_{get_language()}") or name("name")


class TranslatedContent:
    """Content with English and Korean versions beside the Vietnamese (see ``translation.py``).

    Where the reader's language has no version, modeltranslation shows the Vietnamese: the page then says so.
    """

    # The field whose translation decides whether a version in the reader's language exists.
    translation_key = "title"

    @property
    def shows_original(self) -> bool:
        language = get_language() or settings.LANGUAGE_CODE
        return language != settings.LANGUAGE_CODE and not getattr(self, f"{self.translation_key}_{language}", None)


class Searchable(models.Model):
    """Two columns of folded text (see ``folding.SOURCES``), kept up to date on every save, fixtures included:
    names and titles, which rank first, and the rest. They are derived, so never serialised or edited."""

    search_title = models.TextField("tên, tiêu đề để tìm", blank=True, editable=False, serialize=False)
    search_body = models.TextField("nội dung để tìm", blank=True, editable=False, serialize=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # A partial save of a source field must write the folded columns too.
            kwargs["update_fields"] = {*update_fields, "search_title", "search_body"}
        super().save(*args, **kwargs)


@receiver(pre_save)
def fold_search_columns(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # pre_save also runs for fixtures (raw saves), which Model.save() would not see.
    label = sender._meta.label_lower
    if label in SOURCES:
        for column, value in folded_values(label, instance).items():
            setattr(instance, column, value)


# Rich-text fields (listed per model in ``rich_text_fields``) are cleaned by newsroom.richtext on every save.
RICH_TEXT_HELP = (
    "Chỉ giữ các thẻ p, h2–h4, strong, em, a, ul/ol/li, blockquote, figure; các đoạn cách nhau bởi một dòng trống."
)


class SlugKeyedQuerySet(models.QuerySet):
    """Lets fixtures refer to rows by slug instead of by database id."""

    natural_key_field = "slug"

    def get_by_natural_key(self, key: str) -> models.Model:
        return self.get(**{self.natural_key_field: key})


class CodeKeyedQuerySet(SlugKeyedQuerySet):
    natural_key_field = "code"


class PublishableQuerySet(SlugKeyedQuerySet):
    """Content that goes through draft → review → published → archived; subclasses define ``published()``."""

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> PublishableQuerySet:
        """Everything for staff allowed to view this kind in the admin (so they can preview), else ``published()``."""
        opts = self.model._meta
        permission = f"{opts.app_label}.{get_permission_codename('view', opts)}"
        if user.is_active and user.is_staff and user.has_perm(permission):
            return self.all()
        return self.published()


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    REVIEW = "review", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã xuất bản")
    ARCHIVED = "archived", _("Lưu trữ")


VIETNAM_TIME_ZONE = "Asia/Ho_Chi_Minh"


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """A zone the calendar can use: an IANA key such as Asia/Seoul, never a free-text name."""
    if value not in time_zone_names():
        raise ValidationError(
            "“%(value)s” không phải múi giờ IANA, hãy ghi dạng Khu_vực/Thành_phố, ví dụ Asia/Seoul.",
            code="invalid_time_zone",
            params={"value": value},
        )


def publication_time(status: str, published_at: datetime.datetime | None) -> datetime.datetime | None:
    """Publishing without a time means publishing now; a time already set (perhaps in the future) stays."""
    if status == Status.PUBLISHED and published_at is None:
        return timezone.now()
    return published_at


class ProvinceQuerySet(SlugKeyedQuerySet):
    def current(self) -> ProvinceQuerySet:
        return self.filter(is_current=True)

    def family_of(self, province: Province) -> ProvinceQuerySet:
        """The unit and, for a current unit, the old units merged into it; lazy, so usable as a subquery."""
        return self.filter(Q(pk=province.pk) | Q(merged_into=province.pk))


class Province(NamedInLanguages, Searchable):
    """A province-level unit, before or after the merger of 1 July 2025.

    All 63 pre-merger units are rows; the 34 current units are those with ``is_current``,
    and each of the other 29 points to the current unit that absorbed it.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        MUNICIPALITY = "municipality", _("Thành phố trực thuộc trung ương")

    name = models.CharField("tên", max_length=100, help_text="Tên ngắn có dấu, ví dụ “Hải Dương”.")
    full_name = models.CharField("tên đầy đủ", max_length=150, help_text="Ví dụ “Tỉnh Hải Dương”.")
    name_en = models.CharField("tên tiếng Anh", max_length=100)
    name_ko = models.CharField(
        "tên tiếng Hàn", max_length=100, blank=True, help_text="Để trống thì hiện tên tiếng Việt."
    )
    slug = models.SlugField("slug", max_length=100, unique=True)
    legacy_code = models.CharField(
        "mã trước 2025",
        max_length=3,
        unique=True,
        help_text="Mã đơn vị hành chính trong hệ thống 63 tỉnh, thành.",
    )
    code = models.CharField(
        "mã hiện hành",
        max_length=3,
        unique=True,
        null=True,
        blank=True,
        help_text="Mã trong hệ thống 34 tỉnh, thành từ 1/7/2025; trống nếu đơn vị đã sáp nhập.",
    )
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    is_current = models.BooleanField("còn tồn tại", default=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="sáp nhập vào",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_units",
        limit_choices_to={"is_current": True},
    )
    aliases = models.TextField(
        "tên gọi khác",
        blank=True,
        help_text="Mỗi dòng một tên, ví dụ tên cũ “Thừa Thiên Huế”.",
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = "tỉnh, thành phố"
        verbose_name_plural = "tỉnh, thành phố"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_current=True, merged_into__isnull=True, code__isnull=False)
                | Q(is_current=False, merged_into__isnull=False, code__isnull=True),
                name="province_current_xor_merged",
            ),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="province_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.localized_name

    def get_absolute_url(self) -> str:
        return slug_url("newsroom:province-detail", self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def localized_full_name(self) -> str:
        """“Tỉnh Hải Dương” for Vietnamese readers; other languages have only the unit's name (“Hai Duong”)."""
        return self.full_name if get_language() == settings.LANGUAGE_CODE else self.localized_name


class Country(NamedInLanguages, Searchable):
    code = models.CharField(
        "mã ISO 3166-1",
        max_length=2,
        unique=True,
        validators=[MinLengthValidator(2)],
        help_text="Hai chữ in hoa, ví dụ KR.",
    )
    name = models.CharField("tên", max_length=100)
    name_en = models.CharField("tên tiếng Anh", max_length=100)
    name_ko = models.CharField("tên tiếng Hàn", max_length=100)
    aliases = models.TextField(
        "tên gọi khác", blank=True, help_text="Mỗi dòng một tên, ví dụ “Republic of Korea” hay “한국”."
    )

    objects = CodeKeyedQuerySet.as_manager()

    class Meta:
        verbose_name = "quốc gia"
        verbose_name_plural = "quốc gia"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code=Upper("code")), name="country_code_upper_case"),
        ]

    def __str__(self) -> str:
        return self.localized_name

    def get_absolute_url(self) -> str:
        return slug_url("newsroom:country-detail", self.slug, kwarg="code")

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def slug(self) -> str:
        return self.code.lower()


class Topic(models.Model):
    name = models.CharField("tên", max_length=100, unique=True)
    slug = models.SlugField("slug", max_length=100, unique=True)
    description = models.TextField("mô tả", blank=True)

    objects = SlugKeyedQuerySet.as_manager()

    class Meta:
        verbose_name = "chủ đề"
        verbose_name_plural = "chủ đề"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('newsroom:article-list')}?topic={self.slug}"

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ImageQuerySet(models.QuerySet):
    def holding(self, upload: IO[bytes]) -> ImageQuerySet:
        """Images whose file is the same as this upload, byte for byte."""
        return self.filter(sha256=images.content_hash(upload))


class Image(models.Model):
    """A photo with its caption and credit; the file may be missing when a source names a photo it did not ship.

    Saving a new file stores it cleaned (upright, no metadata) under its content hash and makes its renditions;
    replacing or deleting it removes the old files once the transaction commits.
    """

    file = models.ImageField(
        "tệp ảnh", upload_to="images/%Y/%m/", blank=True, width_field="width", height_field="height"
    )
    alt_text = models.CharField("văn bản thay thế", max_length=300, help_text="Mô tả ảnh cho người không nhìn thấy.")
    caption = models.TextField("chú thích", blank=True)
    credit = models.CharField("nguồn ảnh", max_length=200, blank=True, help_text="Ví dụ “Ảnh: TTXVN”.")
    width = models.PositiveIntegerField("rộng", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("cao", null=True, blank=True, editable=False)
    file_size = models.PositiveIntegerField("dung lượng (byte)", null=True, blank=True, editable=False)
    sha256 = models.CharField(
        "mã SHA-256", max_length=64, blank=True, editable=False, help_text="Của tệp gốc; hai tệp giống hệt có cùng mã."
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    # The file name as loaded from the database (None when the query deferred it): a different name on save
    # means a new file to clean.
    _stored_file_name: str | None = ""

    class Meta:
        verbose_name = "ảnh"
        verbose_name_plural = "ảnh"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="image_alt_text_required"),
            models.UniqueConstraint(fields=["sha256"], condition=~Q(sha256=""), name="image_file_stored_once"),
        ]

    def __str__(self) -> str:
        return self.caption[:80] or self.alt_text[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "file" not in update_fields:
            super().save(*args, **kwargs)
            return
        replaced = self._stored_file_name
        new_file = self.has_new_file()
        if new_file:
            cleaned = images.clean_image(self.file)
            if duplicate := self.duplicate_of(cleaned.sha256):
                raise ValidationError({"file": duplicate_message(duplicate)})
            if self.file._committed and self.file.name != replaced:
                # Stored as uploaded (FieldFile.save(save=False)): that copy still has its metadata.
                self.file.storage.delete(self.file.name)
            self.file = cleaned.content
            self.sha256 = cleaned.sha256
            self.file_size = cleaned.content.size
        elif not self.file:
            self.sha256, self.file_size = "", None
        super().save(*args, **kwargs)
        if new_file:
            images.make_renditions(self.file, self.width, self.height)
        self._stored_file_name = self.file.name or ""
        if replaced and replaced != self._stored_file_name:
            remove_files_on_commit(self.file.storage, replaced)

    @classmethod
    def from_db(cls, db: str, field_names: list[str], values: list[Any], *, fetch_mode: Any = None) -> Image:
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._stored_file_name = (values[field_names.index("file")] or "") if "file" in field_names else None
        return instance

    def has_new_file(self) -> bool:
        if not self.file:
            return False
        if not self.file._committed:
            return True
        return self._stored_file_name is not None and self.file.name != self._stored_file_name

    def duplicate_of(self, sha256: str) -> Image | None:
        return Image.objects.filter(sha256=sha256).exclude(pk=self.pk).first()

    def clean(self) -> None:
        if self.has_new_file() and (duplicate := self.duplicate_of(images.content_hash(self.file))):
            raise ValidationError({"file": duplicate_message(duplicate)})

    def picture(self) -> images.Picture | None:
        """The renditions to show, or None when the source named a photo without shipping its file."""
        if not (self.file and self.width and self.height):
            return None
        return images.picture(self.file, self.width, self.height)


def duplicate_message(duplicate: Image) -> str:
    return format_html(
        'Tệp này đã có trong thư viện ảnh: <a href="{}">ảnh số {} – “{}”</a>. Hãy dùng ảnh đó, đừng tải lên lần nữa.',
        reverse("admin:newsroom_image_change", args=[duplicate.pk]),
        duplicate.pk,
        duplicate,
    )


def remove_files_on_commit(storage: Storage, name: str) -> None:
    """Delete a photo's file and renditions only once the row no longer points at them for good."""
    transaction.on_commit(partial(images.remove_files, storage, [name]))


@receiver(post_delete, sender=Image)
def remove_deleted_image_files(sender: type[Image], instance: Image, **kwargs: Any) -> None:
    if instance.file:
        remove_files_on_commit(instance.file.storage, instance.file.name)


class Partner(NamedInLanguages, TranslatedContent, Searchable):
    """An organisation or a foreign locality that Vietnamese provinces work with."""

    translation_key = "description"

    class Kind(models.TextChoices):
        LOCALITY = "locality", _("Địa phương nước ngoài")
        GOVERNMENT = "government", _("Cơ quan chính phủ")
        MISSION = "mission", _("Cơ quan đại diện ngoại giao")
        ASSOCIATION = "association", _("Hội, tổ chức phi chính phủ")
        COMPANY = "company", _("Doanh nghiệp")
        UNIVERSITY = "university", _("Trường đại học, học viện")
        MEDIA = "media", _("Cơ quan báo chí")

    name = models.CharField("tên", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    short_name = models.CharField("tên viết tắt", max_length=50, blank=True)
    name_en = models.CharField("tên tiếng Anh", max_length=200, blank=True)
    name_ko = models.CharField("tên tiếng Hàn", max_length=200, blank=True)
    aliases = models.TextField("tên gọi khác", blank=True, help_text="Mỗi dòng một tên, ví dụ “Pusan”.")
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    country = models.ForeignKey(Country, verbose_name="quốc gia", on_delete=models.PROTECT, related_name="partners")
    description = models.TextField("mô tả", blank=True, help_text=RICH_TEXT_HELP)
    website = models.URLField("trang web", blank=True)
    logo = models.ForeignKey(
        Image, verbose_name="logo", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    rich_text_fields = ("description", *in_every_language("description"))
    objects = SlugKeyedQuerySet.as_manager()

    class Meta:
        verbose_name = "đối tác"
        verbose_name_plural = "đối tác"
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"], name="partner_country_name")]

    def __str__(self) -> str:
        return self.localized_name

    def get_absolute_url(self) -> str:
        return slug_url("newsroom:partner-detail", self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


# What a partnership row shows with it: its province (and the unit it is merged into), partner and partner's country.
PARTNERSHIP_RELATED = ("province", "province__merged_into", "partner", "partner__country")


class PartnershipQuerySet(SlugKeyedQuerySet):
    def with_related(self) -> PartnershipQuerySet:
        return self.select_related(*PARTNERSHIP_RELATED)


class Partnership(models.Model):
    """A standing relationship between a Vietnamese province and a partner."""

    class Kind(models.TextChoices):
        SISTER_CITY = "sister_city", _("Kết nghĩa")
        FRIENDSHIP = "friendship", _("Hữu nghị hợp tác")
        MOU = "mou", _("Bản ghi nhớ hợp tác")
        OTHER = "other", _("Khác")

    class State(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        INACTIVE = "inactive", _("Ngừng hoạt động")

    province = models.ForeignKey(
        Province, verbose_name="tỉnh, thành phố", on_delete=models.PROTECT, related_name="partnerships"
    )
    partner = models.ForeignKey(Partner, verbose_name="đối tác", on_delete=models.PROTECT, related_name="partnerships")
    kind = models.CharField("loại quan hệ", max_length=20, choices=Kind.choices)
    established_year = models.PositiveSmallIntegerField(
        "năm thiết lập", null=True, blank=True, help_text="Để trống nếu nguồn không nêu."
    )
    established_on = models.DateField("ngày thiết lập", null=True, blank=True, help_text="Chỉ điền khi nguồn nêu rõ.")
    status = models.CharField("tình trạng", max_length=20, choices=State.choices, default=State.ACTIVE)
    fields_of_cooperation = models.TextField("lĩnh vực hợp tác", blank=True)
    articles = models.ManyToManyField(
        "Article", verbose_name="bài viết liên quan", blank=True, related_name="partnerships"
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = "quan hệ hợp tác"
        verbose_name_plural = "quan hệ hợp tác"
        ordering = ["province__name", "partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "partner", "kind"], name="partnership_unique_kind"),
            models.CheckConstraint(
                condition=Q(established_year__isnull=True) | Q(established_year__gte=1945, established_year__lte=2100),
                name="partnership_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} – {self.partner}"

    def save(self, *args, **kwargs) -> None:
        if self.established_on and not self.established_year:
            self.established_year = self.established_on.year
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{reverse('newsroom:partnership-list')}#partnership-{self.pk}"

    def clean(self) -> None:
        if self.established_on and self.established_year and self.established_on.year != self.established_year:
            raise ValidationError({"established_year": "Năm thiết lập phải trùng với năm của ngày thiết lập."})

    def upcoming_anniversary(self, today: datetime.date | None = None) -> Anniversary | None:
        """The next round (every fifth) anniversary within the coming twelve months.

        With the day known, the day itself must fall in that window. With only the year known, the day is not
        invented: an anniversary this year may still be ahead and one next year may fall within twelve months,
        so both count, and only the year is given.
        """
        today = today or timezone.localdate()
        if self.established_on:
            window_end = same_day_in_year(today, today.year + 1)
            for year in (today.year, today.year + 1):
                day = same_day_in_year(self.established_on, year)
                years = year - self.established_on.year
                if today <= day < window_end and years > 0 and years % 5 == 0:
                    return Anniversary(years, year, day)
            return None
        if self.established_year is None:
            return None
        for year in (today.year, today.year + 1):
            years = year - self.established_year
            if years > 0 and years % 5 == 0:
                return Anniversary(years, year, None)
        return None

    def years_running(self, today: datetime.date | None = None) -> int | None:
        """Whole years since the day it was established; with only the year known, years counted as anniversaries
        are (this year minus that year). None before it began."""
        today = today or timezone.localdate()
        if self.established_on:
            if self.established_on > today:
                return None
            before_this_years_anniversary = same_day_in_year(self.established_on, today.year) > today
            return today.year - self.established_on.year - int(before_this_years_anniversary)
        if self.established_year is None or self.established_year > today.year:
            return None
        return today.year - self.established_year


class Anniversary(NamedTuple):
    years: int
    year: int
    day: datetime.date | None


def same_day_in_year(day: datetime.date, year: int) -> datetime.date:
    """The same calendar day in another year; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


# An event's last day: its end date, or its start date when it lasts one day. Indexed ("event_last_day"), so
# that the few upcoming events are found without reading the past ones.
LAST_DAY = Coalesce("end_date", "start_date")
# The order of the events to come (soonest first) and of those gone (latest first).
EVENT_ORDER = {"upcoming": ("start_date", "start_time", "pk"), "past": ("-start_date", "-start_time", "-pk")}
# What an event in a list shows with it.
EVENT_RELATED = ("province", "country", "image")


class EventQuerySet(PublishableQuerySet):
    def published(self) -> EventQuerySet:
        """What the public may see: published, and not scheduled for later (no time means at once)."""
        return self.filter(Q(published_at__isnull=True) | Q(published_at__lte=timezone.now()), status=Status.PUBLISHED)

    def upcoming(self, today: datetime.date | None = None) -> EventQuerySet:
        """Events whose last day (``LAST_DAY``) is today or later: one under way is upcoming until it is over."""
        today = today or timezone.localdate()
        return self.alias(last_day=LAST_DAY).filter(last_day__gte=today).order_by(*EVENT_ORDER["upcoming"])

    def past(self, today: datetime.date | None = None) -> EventQuerySet:
        today = today or timezone.localdate()
        return self.alias(last_day=LAST_DAY).filter(last_day__lt=today).order_by(*EVENT_ORDER["past"])

    def with_related(self) -> EventQuerySet:
        return self.select_related(*EVENT_RELATED)

    def for_calendar(self, past: int, today: datetime.date | None = None) -> EventQuerySet:
        """Every event to come, and the ``past`` latest gone (with any other that began the same day as the oldest
        of them): what a calendar subscription follows, whose size no longer grows with the archive."""
        today = today or timezone.localdate()
        oldest_kept = self.past(today).values("start_date")[past - 1 : past]
        return self.alias(last_day=LAST_DAY).filter(
            Q(last_day__gte=today) | Q(start_date__gte=Coalesce(models.Subquery(oldest_kept), datetime.date.min))
        )


class Event(TranslatedContent, Searchable):
    """Something that happens on a given day: a visit, a ceremony, a seminar.

    A source often states a day without an hour, so the time of day is optional.
    """

    class Kind(models.TextChoices):
        VISIT = "visit", _("Chuyến thăm, tiếp đoàn")
        CEREMONY = "ceremony", _("Lễ")
        ANNIVERSARY = "anniversary", _("Kỷ niệm")
        SEMINAR = "seminar", _("Hội thảo, tọa đàm")
        FESTIVAL = "festival", _("Lễ hội")
        SIGNING = "signing", _("Ký kết")
        MEETING = "meeting", _("Hội đàm, làm việc")
        OTHER = "other", _("Khác")

    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField("slug", max_length=200, unique=True)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "xuất bản lúc",
        null=True,
        blank=True,
        help_text="Để trống thì sự kiện hiện ngay khi xuất bản; điền một thời điểm sau này để hẹn giờ.",
    )
    start_date = models.DateField("ngày bắt đầu")
    start_time = models.TimeField("giờ bắt đầu", null=True, blank=True)
    end_date = models.DateField("ngày kết thúc", null=True, blank=True)
    end_time = models.TimeField("giờ kết thúc", null=True, blank=True)
    timezone = models.CharField(
        "múi giờ",
        max_length=50,
        default=VIETNAM_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Múi giờ IANA nơi diễn ra; đổi khi sự kiện ở nước ngoài, ví dụ Asia/Seoul.",
    )
    venue = models.CharField("địa điểm", max_length=300, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name="tỉnh, thành phố",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    country = models.ForeignKey(
        Country, verbose_name="quốc gia", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    partners = models.ManyToManyField(Partner, verbose_name="đối tác", blank=True, related_name="events")
    description = models.TextField("mô tả", blank=True, help_text=RICH_TEXT_HELP)
    image = models.ForeignKey(
        Image, verbose_name="ảnh", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    rich_text_fields = ("description", *in_every_language("description"))
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "sự kiện"
        verbose_name_plural = "sự kiện"
        ordering = ["-start_date", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["status", "start_date"], name="event_status_start"),
            models.Index(LAST_DAY, name="event_last_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("newsroom:event-detail", self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED and (self.published_at is None or self.published_at <= timezone.now())

    def clean(self) -> None:
        if self.start_time and self.is_abroad() and self.timezone == VIETNAM_TIME_ZONE:
            raise ValidationError(
                {"timezone": "Sự kiện ở nước ngoài có giờ cụ thể: hãy chọn múi giờ nơi diễn ra, ví dụ Asia/Seoul."}
            )

    def is_abroad(self) -> bool:
        """Held outside Vietnam: a foreign country named and no province. A country beside a province is the
        partner's."""
        return self.province_id is None and self.country_id is not None and self.country.code != "VN"

    def place(self) -> str:
        """The venue as stated, else the province."""
        return self.venue or (self.province.full_name if self.province else "")

    def location(self) -> str:
        """Where it happens, for calendars and search engines: the place, and the country when abroad."""
        country = self.country.name if self.is_abroad() else ""
        return ", ".join(part for part in (self.place(), country) if part)


# What an article card leaves in the database: the long texts (the body in every language) and search columns.
CARD_DEFERRED = ("body", *in_every_language("body"), "search_title", "search_body")


class ArticleQuerySet(PublishableQuerySet):
    def published(self) -> ArticleQuerySet:
        """What the public may see: published, and not scheduled for later."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def for_province(self, province: Province) -> ArticleQuerySet:
        return self.tagged("provinces", Province.objects.family_of(province).values("pk"))

    def tagged(self, field: str, ids: Iterable[int] | models.QuerySet) -> ArticleQuerySet:
        """Articles carrying any of these rows of a many-to-many tag field, each once.

        A semi-join (``id IN (SELECT article_id …)``) rather than a join: no duplicates, so no DISTINCT over the
        wide article rows, and PostgreSQL can still walk the newest-first index.
        """
        m2m = self.model._meta.get_field(field)
        tag_column = f"{m2m.m2m_reverse_field_name()}_id"
        links = m2m.remote_field.through.objects.filter(**{f"{tag_column}__in": ids})
        return self.filter(pk__in=links.values("article_id"))

    def hidden(self) -> ArticleQuerySet:
        """What the public may not see: everything ``published()`` leaves out (drafts, reviews, scheduled)."""
        return self.filter(~Q(status=Status.PUBLISHED) | Q(published_at__gt=timezone.now()))

    def public_links(self, field: str) -> models.QuerySet:
        """The rows of a tag field's table that tie a published article of this queryset to a tag.

        Of every article, counted as "all rows but those of hidden articles": the hidden ones are few, so
        PostgreSQL hashes a few thousand ids instead of every published one (25 ms instead of 130 ms per count at
        100,000 articles). Of a filtered queryset, the rows of its published articles: PostgreSQL then starts from
        the filtered ids and reads only their links (a province and a year: 35 → 5 ms per count), where excluding
        the hidden ones first read every link.
        """
        through = self.model._meta.get_field(field).remote_field.through
        if self.query.has_filters():
            return through.objects.filter(article_id__in=self.published().values("pk"))
        return through.objects.exclude(article_id__in=Article.objects.hidden().values("pk"))

    def count_by_tag(self, field: str) -> dict[int, int]:
        """How many published articles of this queryset carry each row of a tag field, in one grouped query."""
        tag_column = f"{self.model._meta.get_field(field).m2m_reverse_field_name()}_id"
        # An article carries a tag at most once (unique together), so no DISTINCT is needed.
        rows = self.public_links(field).values(tag_column).annotate(total=Count("article_id"))
        return {row[tag_column]: row["total"] for row in rows}

    def count_by_current_unit(self) -> dict[int, int]:
        """Published articles per current province, each counted once even if tagged with several merged units."""
        rows = (
            self.public_links("provinces")
            .annotate(unit=Coalesce("province__merged_into_id", "province_id"))
            .values("unit")
            .annotate(total=Count("article_id", distinct=True))
        )
        return {row["unit"]: row["total"] for row in rows}

    def for_list(self) -> ArticleQuerySet:
        """What an article card shows but its places (``places_of``): the long texts stay in the database."""
        return self.select_related("cover_image").defer(*CARD_DEFERRED)


class Article(TranslatedContent, Searchable):
    translation_key = "body"

    class Language(models.TextChoices):
        VI = "vi", _("Tiếng Việt")
        EN = "en", _("Tiếng Anh")
        KO = "ko", _("Tiếng Hàn")

    title = models.CharField("tiêu đề", max_length=300)
    slug = models.SlugField("slug", max_length=200, unique=True)
    lead = models.TextField("sapo", blank=True)
    body = models.TextField("nội dung", help_text=RICH_TEXT_HELP)
    byline = models.CharField("tác giả", max_length=200, blank=True)
    source_name = models.CharField("ấn phẩm nguồn", max_length=200, blank=True)
    source_url = models.URLField("địa chỉ bài gốc", max_length=500, blank=True)
    attribution = models.CharField(
        "ghi nguồn", max_length=200, blank=True, help_text="Dòng ghi nguồn như bài gốc, ví dụ “theo TTXVN”."
    )
    original_published_at = models.DateTimeField("thời gian đăng gốc", null=True, blank=True)
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "xuất bản lúc", null=True, blank=True, help_text="Thời điểm bài hiện trên trang này; có thể hẹn giờ."
    )
    language = models.CharField("ngôn ngữ", max_length=2, choices=Language.choices, default=Language.VI)
    provinces = models.ManyToManyField(Province, verbose_name="tỉnh, thành phố", blank=True, related_name="articles")
    countries = models.ManyToManyField(Country, verbose_name="quốc gia", blank=True, related_name="articles")
    partners = models.ManyToManyField(Partner, verbose_name="đối tác", blank=True, related_name="articles")
    events = models.ManyToManyField(Event, verbose_name="sự kiện", blank=True, related_name="articles")
    topics = models.ManyToManyField(Topic, verbose_name="chủ đề", blank=True, related_name="articles")
    cover_image = models.ForeignKey(
        Image, verbose_name="ảnh đại diện", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    images = models.ManyToManyField(
        Image, verbose_name="ảnh trong bài", through="ArticleImage", blank=True, related_name="articles"
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    rich_text_fields = ("body", *in_every_language("body"))
    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_order"),
            models.Index(Lower("title"), name="article_title_lower"),
            # The sitemap's "last changed": the newest edit of a published article, read from the top of this index.
            models.Index(fields=["-updated_at"], name="article_last_edit"),
            # The admin's list, every status newest first (the public lists have their own, by status first).
            models.Index(fields=["-published_at", "-id"], name="article_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("newsroom:article-detail", self.slug)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class ArticleImage(models.Model):
    """An image placed in an article's gallery, in order, with an optional caption for this use."""

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="placements")
    image = models.ForeignKey(Image, verbose_name="ảnh", on_delete=models.PROTECT, related_name="placements")
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    caption_override = models.TextField("chú thích riêng", blank=True, help_text="Để trống để dùng chú thích của ảnh.")

    class Meta:
        verbose_name = "ảnh trong bài"
        verbose_name_plural = "ảnh trong bài"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="article_image_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.position}"

    @property
    def caption(self) -> str:
        return self.caption_override or self.image.caption


class Correction(models.Model):
    """A dated correction ("Đính chính") printed with a published article; the article's history keeps every version."""

    article = models.ForeignKey(Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField("nội dung đính chính", help_text="Nói rõ điều gì đã sai và nay đúng là gì.")
    noted_at = models.DateTimeField("thời điểm đính chính", default=timezone.now)

    class Meta:
        verbose_name = "đính chính"
        verbose_name_plural = "đính chính"
        ordering = ["noted_at", "pk"]

    def __str__(self) -> str:
        return f"Đính chính {self.noted_at:%d/%m/%Y}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#dinh-chinh"


class SubmissionQuerySet(models.QuerySet):
    def pending(self) -> SubmissionQuerySet:
        return self.filter(status=Submission.State.PENDING)

    @staticmethod
    def queue_ordering() -> list[models.Expression | str]:
        """Pending first; within a status, the most urgent, then the oldest."""
        pending_first = models.Case(models.When(status=Submission.State.PENDING, then=0), default=1)
        return [pending_first, "-priority", "created_at", "pk"]


class Submission(models.Model):
    """News or an event sent by a reader or a partner through the public form, kept whatever the decision."""

    class Kind(models.TextChoices):
        NEWS = "news", _("Tin tức")
        EVENT = "event", _("Sự kiện")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Từ chối")
        SPAM = "spam", _("Thư rác")

    class Priority(models.IntegerChoices):
        LOW = 0, _("Thấp")
        NORMAL = 1, _("Bình thường")
        HIGH = 2, _("Cao")
        URGENT = 3, _("Khẩn")

    name = models.CharField("họ tên người gửi", max_length=150)
    email = models.EmailField("thư điện tử")
    organisation = models.CharField("cơ quan, tổ chức", max_length=200, blank=True)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField("tiêu đề", max_length=200)
    text = models.TextField("nội dung", help_text="Văn bản thuần như người gửi đã viết.")
    province = models.ForeignKey(
        Province, verbose_name="tỉnh, thành phố", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    country = models.ForeignKey(
        Country, verbose_name="quốc gia", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_date = models.DateField("ngày diễn ra", null=True, blank=True)
    consented_at = models.DateTimeField("đồng ý đăng lúc")
    language = models.CharField(
        "ngôn ngữ", max_length=8, choices=settings.LANGUAGES, default="vi", help_text="Thư trả lời viết bằng tiếng này."
    )
    created_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    status = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.PENDING)
    priority = models.PositiveSmallIntegerField("độ ưu tiên", choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người phụ trách",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_submissions",
        limit_choices_to={"is_active": True, "is_staff": True},
    )
    article = models.OneToOneField(
        Article,
        verbose_name="bài viết đã tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
    )
    event = models.OneToOneField(
        Event,
        verbose_name="sự kiện đã tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submission",
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "bài gửi"
        verbose_name_plural = "bài gửi"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-priority", "created_at"], name="submission_queue")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="event") | Q(event_date__isnull=False), name="submission_event_has_date"
            ),
            models.CheckConstraint(condition=Q(priority__lte=3), name="submission_priority_known"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """The number quoted to the sender, so a reply can be matched to the submission."""
        return f"BG-{self.pk:06d}"


def submission_image_path(instance: SubmissionImage, filename: str) -> str:
    """A random name with the extension of the verified format: the sender's file name is kept only as text."""
    return f"submissions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class SubmissionImage(models.Model):
    submission = models.ForeignKey(Submission, verbose_name="bài gửi", on_delete=models.CASCADE, related_name="images")
    file = models.ImageField("tệp ảnh", upload_to=submission_image_path, width_field="width", height_field="height")
    original_name = models.CharField("tên tệp gốc", max_length=255, blank=True)
    width = models.PositiveIntegerField("rộng", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("cao", null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "ảnh gửi kèm"
        verbose_name_plural = "ảnh gửi kèm"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.original_name or PurePath(self.file.name).name


class SubmissionDecision(models.Model):
    """One step of the moderation trail: who decided what about a submission, when and why."""

    submission = models.ForeignKey(
        Submission, verbose_name="bài gửi", on_delete=models.CASCADE, related_name="decisions"
    )
    status = models.CharField("quyết định", max_length=10, choices=Submission.State.choices)
    reason = models.TextField("lý do", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người quyết định", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "quyết định"
        verbose_name_plural = "quyết định"
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} – {self.decided_by}"


class ArticleTally(models.Model):
    """How many published articles carry each province, unit, country, partner, topic and year (the year facet
    sums to all of them), kept exact by the signals in ``tallies.py`` so that pages read a few hundred
    small rows instead of counting 100,000 articles' tags on every view."""

    facet = models.CharField("nhóm", max_length=20)
    key = models.BigIntegerField("khóa")
    total = models.PositiveIntegerField("số bài")

    class Meta:
        verbose_name = "số bài theo nhóm"
        verbose_name_plural = "số bài theo nhóm"
        constraints = [models.UniqueConstraint(fields=["facet", "key"], name="article_tally_facet_key")]

    def __str__(self) -> str:
        return f"{self.facet} {self.key}: {self.total}"


class TallyHorizon(models.Model):
    """The moment up to which ``ArticleTally`` has counted: every article published by then is in the counts.

    One row. Articles scheduled for later join the counts when a reader first finds them due (``tallies.py``)."""

    counted_until = models.DateTimeField("đã đếm đến")
    # Moves on with every change to articles, their tags or the provinces' merges: ``FilteredTally`` rows of an
    # older generation no longer hold.
    generation = models.BigIntegerField("thế hệ", default=0)

    class Meta:
        verbose_name = "mốc đếm số bài"
        verbose_name_plural = "mốc đếm số bài"

    def __str__(self) -> str:
        return f"{self.counted_until:%Y-%m-%d %H:%M:%S}"


class FilteredTally(models.Model):
    """The other facets' counts of /articles/ filtered by one facet's key (``counts``: facet → key → articles),
    stored by the first reader that counts them and read by the next, while ``TallyHorizon.generation`` is the
    one they were counted under (``tallies.filtered_counts``)."""

    facet = models.CharField("nhóm", max_length=20)
    key = models.BigIntegerField("khóa")
    generation = models.BigIntegerField("thế hệ")
    counts = models.JSONField("số bài")

    class Meta:
        verbose_name = "số bài của danh sách lọc"
        verbose_name_plural = "số bài của danh sách lọc"
        constraints = [models.UniqueConstraint(fields=["facet", "key"], name="filtered_tally_facet_key")]

    def __str__(self) -> str:
        return f"{self.facet} {self.key} ({self.generation})"
