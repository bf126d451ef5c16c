"""Fill the database with plainly synthetic content for load tests and demos, or remove it again.

Every synthetic row is recognisable: slugs start with ``demo-``, titles with "[Dữ liệu mẫu]", photos carry the
credit DEMO_CREDIT. Provinces and countries are the fixtures' own (they are reference data); demo rows only point
at them, so the fixtures' records are never written. Photos are a handful of small generated files, stored through
the normal image pipeline (so their renditions exist), that many image rows share.
"""

import datetime
import functools
import io
import itertools
import random
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from PIL import Image as PillowImage

from newsroom import tallies
from newsroom.caching import new_version
from newsroom.models import (
    Article,
    ArticleImage,
    Country,
    Event,
    Image,
    Partner,
    Partnership,
    Province,
    Status,
    Topic,
)

DEMO_PREFIX = "demo-"
DEMO_TITLE = "[Dữ liệu mẫu]"
DEMO_CREDIT = "Ảnh: dữ liệu mẫu (seed_demo)"
DEMO_SOURCE = "Dữ liệu mẫu do seed_demo tạo, không phải tin thật"
BATCH = 2000
SAMPLE_PHOTOS = 6

# Countries Vietnamese provinces work with most, most frequent first (ISO codes from the places fixture).
COUNTRY_CODES = ["KR", "JP", "CN", "US", "FR", "DE", "LA", "KH", "TH", "AU", "RU", "IN", "SG", "GB", "IT", "CU"]
TOPICS = ["Kinh tế", "Giáo dục", "Văn hóa", "Y tế", "Nông nghiệp", "Du lịch", "Lao động", "Môi trường"]
PARAGRAPH = (
    "Đây là đoạn văn mẫu số {n}, do lệnh seed_demo tạo ra để thử tải trang; nó không thuật lại sự việc nào. "
    "Nội dung giả lập một bản tin hợp tác giữa {province} và đối tác {country}, với độ dài gần giống tin thật."
)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def weighted(rng: random.Random, population: list[Any]) -> Any:
    """The n-th item 1/n times as often as the first (Zipf), as news clusters on a few places and partners."""
    return rng.choices(population, cum_weights=zipf_weights(len(population)))[0]


@functools.cache
def zipf_weights(size: int) -> list[float]:
    return list(itertools.accumulate(1 / rank for rank in range(1, size + 1)))


def sample_photo(number: int) -> SimpleUploadedFile:
    """A small plain JPEG, a different colour for each number (so each is a different file)."""
    output = io.BytesIO()
    PillowImage.new("RGB", (1200, 800), (40 * number % 256, 90 + 20 * number % 166, 160)).save(output, "JPEG")
    return SimpleUploadedFile(f"demo-{number}.jpg", output.getvalue(), content_type="image/jpeg")


def demo_rows() -> dict[type[models.Model], models.QuerySet]:
    """Every synthetic row, in the order they can be deleted."""
    return {
        Article: Article.objects.filter(slug__startswith=DEMO_PREFIX),
        Partnership: Partnership.objects.filter(partner__slug__startswith=DEMO_PREFIX),
        Event: Event.objects.filter(slug__startswith=DEMO_PREFIX),
        Partner: Partner.objects.filter(slug__startswith=DEMO_PREFIX),
        Topic: Topic.objects.filter(slug__startswith=DEMO_PREFIX),
        Image: Image.objects.filter(credit=DEMO_CREDIT),
    }


class Command(BaseCommand):
    help = "Add N plainly synthetic articles with partners, events, topics and photos (--clear removes them all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=1000, help="How many articles to add.")
        parser.add_argument("--clear", action="store_true", help="Remove every synthetic row instead.")
        parser.add_argument("--seed", type=int, default=8, help="Random seed, for repeatable data.")

    def handle(self, *args: Any, articles: int, clear: bool, seed: int, **options: Any) -> None:
        started = time.monotonic()
        if clear:
            with tallies.suspended():
                self.clear()
            new_version()
            self.stdout.write(f"Synthetic data removed in {time.monotonic() - started:.1f} s.")
            return
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        provinces = list(Province.objects.order_by("pk"))
        countries = list(Country.objects.filter(code__in=COUNTRY_CODES))
        if not provinces or not countries:
            raise CommandError("Load the place fixtures first (manage.py load_fixtures).")
        countries.sort(key=lambda country: COUNTRY_CODES.index(country.code))
        rng = random.Random(seed)
        rng.shuffle(provinces)
        self.run_tag = f"{int(time.time()):x}"
        # bulk_create sends no signals: the stored tallies are recounted once at the end, and the page cache told.
        with transaction.atomic(), tallies.suspended():
            self.seed(rng, articles, provinces, countries)
        if connection.vendor == "postgresql":
            # Until autovacuum runs, the planner's statistics would describe the tables before the load, and index-only
            # scans would visit every row's page (the visibility map is set by VACUUM): page 2,000 read 40,000 rows.
            # VACUUM cannot run inside a transaction (a test's, or a caller's): there, statistics alone.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        new_version()
        self.stdout.write(f"{articles} synthetic articles added in {time.monotonic() - started:.1f} s.")

    def clear(self) -> None:
        with transaction.atomic():
            for model, rows in demo_rows().items():
                # In slices of ids: one delete of 100,000 articles would collect them all in memory at once.
                for ids in batched(rows.values_list("pk", flat=True).iterator(), BATCH * 5):
                    model.objects.filter(pk__in=ids).delete()

    def seed(self, rng: random.Random, count: int, provinces: list[Province], countries: list[Country]) -> None:
        tag = self.run_tag
        photos = self.sample_photos()
        topics = [
            Topic.objects.get_or_create(slug=f"{DEMO_PREFIX}topic-{number}", defaults={"name": f"{DEMO_TITLE} {name}"})[
                0
            ]
            for number, name in enumerate(TOPICS, 1)
        ]
        partners = Partner.objects.bulk_create(
            Partner(
                name=f"{DEMO_TITLE} Đối tác {tag}-{number}",
                slug=f"{DEMO_PREFIX}{tag}-partner-{number}",
                kind=rng.choice(Partner.Kind.values),
                country=weighted(rng, countries),
                description="Đối tác giả lập do seed_demo tạo.",
            )
            for number in range(1, max(2, count // 200) + 1)
        )
        self.partnerships(rng, partners, provinces)
        events = self.events(rng, max(2, count // 40), provinces, countries, partners)
        now = timezone.now()
        for numbers in batched(range(1, count + 1), BATCH):
            covers = Image.objects.bulk_create(self.photo_row(rng, photos) for _ in numbers)
            rows = Article.objects.bulk_create(
                self.article(rng, tag, n, now, cover) for n, cover in zip(numbers, covers, strict=True)
            )
            self.tag_articles(rng, rows, provinces, countries, partners, events, topics, photos)

    def sample_photos(self) -> list[Image]:
        """The few real files all demo photos share; made once, through the normal pipeline, then reused."""
        existing = list(Image.objects.filter(credit=DEMO_CREDIT).exclude(sha256="").order_by("pk"))
        for number in range(len(existing) + 1, SAMPLE_PHOTOS + 1):
            image = Image(alt_text=f"{DEMO_TITLE} Ảnh mẫu {number}", credit=DEMO_CREDIT, file=sample_photo(number))
            image.save()
            existing.append(image)
        return existing

    @staticmethod
    def photo_row(rng: random.Random, photos: list[Image]) -> Image:
        photo = rng.choice(photos)
        return Image(
            file=photo.file.name,
            width=photo.width,
            height=photo.height,
            file_size=photo.file_size,
            alt_text=f"{DEMO_TITLE} Ảnh minh họa",
            caption="Ảnh minh họa giả lập.",
            credit=DEMO_CREDIT,
        )

    @staticmethod
    def partnerships(rng: random.Random, partners: list[Partner], provinces: list[Province]) -> None:
        current = [province for province in provinces if province.is_current]
        Partnership.objects.bulk_create(
            Partnership(
                province=rng.choice(current),
                partner=partner,
                kind=rng.choice(Partnership.Kind.values),
                established_year=rng.randint(1993, 2025),
                fields_of_cooperation="Lĩnh vực giả lập.",
            )
            for partner in partners
        )

    def events(
        self,
        rng: random.Random,
        count: int,
        provinces: list[Province],
        countries: list[Country],
        partners: list[Partner],
    ) -> list[Event]:
        today = timezone.localdate()
        events = Event.objects.bulk_create(
            Event(
                title=f"{DEMO_TITLE} Sự kiện {self.run_tag}-{number}",
                slug=f"{DEMO_PREFIX}{self.run_tag}-event-{number}",
                kind=rng.choice(Event.Kind.values),
                status=Status.PUBLISHED,
                start_date=today + datetime.timedelta(days=rng.randint(-3650, 120)),
                venue="Địa điểm giả lập",
                province=weighted(rng, provinces),
                country=weighted(rng, countries),
                description="Sự kiện giả lập do seed_demo tạo.",
            )
            for number in range(1, count + 1)
        )
        Event.partners.through.objects.bulk_create(
            Event.partners.through(event=event, partner=weighted(rng, partners)) for event in events
        )
        return events

    @staticmethod
    def article(rng: random.Random, tag: str, number: int, now: datetime.datetime, cover: Image) -> Article:
        roll = rng.random()
        if roll < 0.96:
            status, published_at = Status.PUBLISHED, now - datetime.timedelta(minutes=rng.randint(1, 10 * 365 * 1440))
        elif roll < 0.97:
            status, published_at = Status.PUBLISHED, now + datetime.timedelta(minutes=rng.randint(60, 30 * 1440))
        else:
            status, published_at = rng.choice([Status.DRAFT, Status.REVIEW]), None
        return Article(
            title=f"{DEMO_TITLE} Tin hợp tác địa phương số {tag}-{number}",
            slug=f"{DEMO_PREFIX}{tag}-{number}",
            lead=f"Bản tin giả lập số {number} để thử tải; không thuật lại sự việc có thật.",
            body="\n\n".join(PARAGRAPH.format(n=n, province="một tỉnh", country="nước ngoài") for n in range(1, 5)),
            source_name=DEMO_SOURCE,
            status=status,
            published_at=published_at,
            cover_image=cover if rng.random() < 0.9 else None,
        )

    @staticmethod
    def tag_articles(
        rng: random.Random,
        articles: list[Article],
        provinces: list[Province],
        countries: list[Country],
        partners: list[Partner],
        events: list[Event],
        topics: list[Topic],
        photos: list[Image],
    ) -> None:
        """Many-to-many rows in one insert per table: 1–2 provinces, 1 country, sometimes partners and events."""
        links: dict[Any, list[models.Model]] = {}

        def link(field: Any, article: Article, targets: set[Any], name: str) -> None:
            through = field.through
            links.setdefault(through, []).extend(through(article=article, **{name: target}) for target in targets)

        for article in articles:
            link(
                Article.provinces, article, {weighted(rng, provinces) for _ in range(rng.choice([1, 1, 2]))}, "province"
            )
            link(Article.countries, article, {weighted(rng, countries)}, "country")
            link(Article.topics, article, {rng.choice(topics)}, "topic")
            if rng.random() < 0.4:
                link(Article.partners, article, {weighted(rng, partners)}, "partner")
            if rng.random() < 0.1:
                link(Article.events, article, {weighted(rng, events)}, "event")
        for through, rows in links.items():
            through.objects.bulk_create(rows, batch_size=BATCH * 2)
        gallery = [article for article in articles if rng.random() < 0.1]
        images = Image.objects.bulk_create(Command.photo_row(rng, photos) for _ in gallery)
        ArticleImage.objects.bulk_create(
            ArticleImage(article=article, image=image, position=1)
            for article, image in zip(gallery, images, strict=True)
        )
