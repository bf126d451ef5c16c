"""Small factories: each makes one valid record, with overridable fields."""

import datetime
import io
import itertools

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PillowImage

from newsroom.models import (
    Article,
    Country,
    Event,
    Image,
    Partner,
    Partnership,
    Province,
    Status,
    Submission,
    Topic,
    vietnamese_slugify,
)

_sequence = itertools.count(1)

# Markup, quotes, an ampersand, a right-to-left override, zero-width and combining characters, astral-plane
# letters and a ligature: every text field must show this as text, escaped, wherever it appears.
HOSTILE = (
    '<script>alert("x")</script> "quoted" & \'single\' <img src=x onerror=alert(1)> '
    "\u202edrow-lanigiro zero\u200bwidth \U0001d518\U0001d52b\U0001d526 ﷺ cafe\u0301 Đà Nẵng"
)


def next_number() -> int:
    return next(_sequence)


def make_country(code: str = "KR", **fields) -> Country:
    defaults = {"name": "Hàn Quốc", "name_en": "South Korea", "name_ko": "대한민국"}
    defaults.update(fields)
    country, _ = Country.objects.get_or_create(code=code, defaults=defaults)
    return country


def make_province(name: str | None = None, merged_into: Province | None = None, **fields) -> Province:
    number = next_number() % 900 + 100
    name = name or f"Tỉnh thử {number}"
    values = {
        "name": name,
        "full_name": f"Tỉnh {name}",
        "name_en": vietnamese_slugify(name).replace("-", " ").title(),
        "slug": vietnamese_slugify(name),
        "legacy_code": str(number),
        "code": None if merged_into else str(number),
        "kind": Province.Kind.PROVINCE,
        "is_current": merged_into is None,
        "merged_into": merged_into,
    }
    values.update(fields)
    return Province.objects.create(**values)


def make_topic(name: str | None = None) -> Topic:
    name = name or f"Chủ đề {next_number()}"
    return Topic.objects.create(name=name, slug=vietnamese_slugify(name))


def make_image(**fields) -> Image:
    values = {"alt_text": "Ảnh thử", "caption": "Chú thích ảnh", "credit": "Ảnh: Thử nghiệm"}
    values.update(fields)
    return Image.objects.create(**values)


def make_partner(name: str | None = None, country: Country | None = None, **fields) -> Partner:
    name = name or f"Đối tác {next_number()}"
    values = {"name": name, "slug": vietnamese_slugify(name), "kind": Partner.Kind.LOCALITY}
    values.update(fields)
    return Partner.objects.create(country=country or make_country(), **values)


def make_partnership(province: Province, partner: Partner, **fields) -> Partnership:
    values = {"kind": Partnership.Kind.FRIENDSHIP, "established_year": 2004}
    values.update(fields)
    return Partnership.objects.create(province=province, partner=partner, **values)


def make_event(title: str | None = None, **fields) -> Event:
    title = title or f"Sự kiện {next_number()}"
    values = {
        "slug": vietnamese_slugify(title),
        "kind": Event.Kind.VISIT,
        "status": Status.PUBLISHED,
        "start_date": datetime.date(2025, 8, 13),
    }
    values.update(fields)
    return Event.objects.create(title=title, **values)


def make_article(title: str | None = None, *, provinces=(), countries=(), partners=(), events=(), topics=(), **fields):
    title = title or f"Bài viết {next_number()}"
    values = {
        "slug": vietnamese_slugify(title),
        "lead": "Sapo của bài.",
        "body": "Đoạn thứ nhất.\n\nĐoạn thứ hai.",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(hours=1),
    }
    values.update(fields)
    article = Article.objects.create(title=title, **values)
    article.provinces.set(provinces)
    article.countries.set(countries)
    article.partners.set(partners)
    article.events.set(events)
    article.topics.set(topics)
    return article


def make_user(role: str | None = None, *, superuser: bool = False, **fields) -> User:
    """A staff account in the given group ("Editors", "Administrators"), or a superuser; run setup_roles first."""
    number = next_number()
    values = {"username": f"nguoi-dung-{number}", "email": f"nguoi-dung-{number}@example.test", "is_staff": True}
    values.update(fields)
    if superuser:
        return User.objects.create_superuser(password="mat-khau-thu", **values)
    user = User.objects.create_user(password="mat-khau-thu", **values)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def image_bytes(image_format: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (30, 90, 160)).save(buffer, format=image_format)
    return buffer.getvalue()


def image_upload(name: str = "anh.jpg", image_format: str = "JPEG", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(image_format, **kwargs), content_type="application/octet-stream")


def make_submission(title: str | None = None, **fields) -> Submission:
    values = {
        "name": "Người gửi thử",
        "email": "nguoi-gui@example.test",
        "kind": Submission.Kind.NEWS,
        "title": title or f"Bài gửi thử {next_number()}",
        "text": "Đoạn thứ nhất của bài gửi.\n\nĐoạn thứ hai.",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return Submission.objects.create(**values)
