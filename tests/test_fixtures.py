"""The fixtures hold the five source documents faithfully: their own words, nothing of the page around them."""

import datetime
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from newsroom.models import Article, Event, Image, Partner, Partnership, Province, Status

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
SOURCE_OF = {
    "them-dong-luc-hop-tac-dia-phuong-viet-han": "000_0c055950719ee344.txt",
    "tong-bi-thu-to-lam-du-le-ra-mat-tong-lanh-su-quan-viet-nam-tai-busan": "001_0f144ff8dd738fac.txt",
    "tang-cuong-moi-quan-he-hop-tac-sau-rong-giua-tinh-hai-duong-va-suwon-han-quoc": "002_9f9c3e3febf76bba.txt",
    "toa-dam-ky-niem-25-nam-thiet-lap-quan-he-ngoai-giao-viet-nam-han-quoc": "003_ef1aa782c35474db.txt",
    "dua-quan-he-doi-tac-hop-tac-chien-luoc-viet-han-di-vao-chieu-sau": "004_d84a21471db61cd7.txt",
}
CLUTTER = [
    "Đọc nhiều",
    "Tin bài liên quan",
    "Các tin bài khác",
    "Xin chờ trong giây lát",
    "Có thể bạn quan tâm",
    "Phiên bản di động",
    "Theo dõi Báo Gia Lai",
    "Multimedia",
    "[Infographic]",
    "[Video]",
    "- Ảnh 1",
    "Trang chủ",
    "Bốn phương kết bạn",
    "Chi tiết tin",
    "Việt Nam - Hàn Quốc hướng đến kim ngạch",
    "Sri Lanka và Việt Nam",
    "Thiếu tướng Hoàng Hữu Chiến",
    "Thúc đẩy hợp tác địa phương Việt Nam - Ba Lan",
    "Địa chỉ: 20 Lê Đại Hành",
    "HỆ THỐNG CỔNG THÔNG TIN",
    "(GLO)",
    "Thời tiết hôm nay",
]


def normalise(text: str) -> str:
    """Compare texts as a reader sees them: one Unicode composition, and runs of whitespace as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@pytest.fixture
def seeded():
    call_command("load_fixtures", verbosity=0)


def source(slug: str) -> str:
    return normalise((SEEDS / SOURCE_OF[slug]).read_text())


def article_texts(article: Article) -> list[str]:
    texts = [article.title, article.lead, *article.paragraphs(), article.byline, article.attribution]
    texts += [text for image in article.images.all() for text in (image.caption, image.credit, image.alt_text)]
    return [text for text in texts if text]


def test_every_source_document_is_one_article(seeded):
    assert sorted(path.name for path in SEEDS.glob("*.txt")) == sorted(SOURCE_OF.values())
    assert sorted(Article.objects.values_list("slug", flat=True)) == sorted(SOURCE_OF)


@pytest.mark.parametrize("slug", SOURCE_OF)
def test_every_text_of_the_article_occurs_verbatim_in_its_source(seeded, slug):
    article = Article.objects.get(slug=slug)
    missing = [text for text in article_texts(article) if normalise(text) not in source(slug)]
    assert missing == []


@pytest.mark.parametrize("slug", SOURCE_OF)
def test_body_follows_the_order_of_the_source(seeded, slug):
    article = Article.objects.get(slug=slug)
    positions = [source(slug).index(normalise(paragraph)) for paragraph in article.paragraphs()]
    assert positions == sorted(positions)


@pytest.mark.parametrize("slug", SOURCE_OF)
def test_no_page_clutter_reaches_the_article(seeded, slug):
    article = Article.objects.get(slug=slug)
    text = normalise(" ".join(article_texts(article)))
    assert [clutter for clutter in CLUTTER if clutter in text] == []


def test_other_stories_headlines_are_not_articles(seeded):
    titles = {normalise(title) for title in Article.objects.values_list("title", flat=True)}
    for slug, filename in SOURCE_OF.items():
        own_title = normalise(Article.objects.get(slug=slug).title)
        lines = {normalise(line) for line in (SEEDS / filename).read_text().splitlines() if line.strip()}
        assert (titles & lines) - {own_title} == set()


def test_other_stories_lines_are_not_in_any_body(seeded):
    bodies = normalise(" ".join(Article.objects.values_list("body", flat=True)))
    teaser_lines = [
        "Cần Thơ tăng cường hợp tác với JETRO, mở rộng cơ hội thu hút đầu tư Nhật Bản",
        "Người dân Huế trải nghiệm văn hóa Hàn Quốc",
        "Tập hợp, phát huy sức mạnh đại đoàn kết toàn dân tộc",
        "Vui Xuân mới trên đảo Trường Sa",
        "Trong khuôn khổ chuyến thăm cấp Nhà nước tới Hàn Quốc, hôm qua (12.8)",
    ]
    assert [line for line in teaser_lines if line in bodies] == []


@pytest.mark.parametrize(
    ("slug", "moment"),
    [
        ("tong-bi-thu-to-lam-du-le-ra-mat-tong-lanh-su-quan-viet-nam-tai-busan", (2025, 8, 13, 18, 47)),
        ("tang-cuong-moi-quan-he-hop-tac-sau-rong-giua-tinh-hai-duong-va-suwon-han-quoc", (2023, 2, 8, 9, 58)),
        ("toa-dam-ky-niem-25-nam-thiet-lap-quan-he-ngoai-giao-viet-nam-han-quoc", (2017, 11, 29, 18, 41)),
    ],
)
def test_stated_publication_times_are_kept_in_vietnam_time(seeded, slug, moment):
    vietnam = datetime.timezone(datetime.timedelta(hours=7))
    assert Article.objects.get(slug=slug).original_published_at == datetime.datetime(*moment, tzinfo=vietnam)


@pytest.mark.parametrize(
    "slug",
    ["them-dong-luc-hop-tac-dia-phuong-viet-han", "dua-quan-he-doi-tac-hop-tac-chien-luoc-viet-han-di-vao-chieu-sau"],
)
def test_unstated_publication_time_stays_empty(seeded, slug):
    assert Article.objects.get(slug=slug).original_published_at is None


def test_no_invented_urls_or_image_files(seeded):
    assert not Article.objects.exclude(source_url="").exists()
    assert not Partner.objects.exclude(website="").exists()
    assert not Image.objects.exclude(file="").exists()


def test_bylines_attributions_and_sources_as_stated(seeded):
    facts = {
        slug: (a.byline, a.attribution, a.source_name) for slug, a in Article.objects.in_bulk(field_name="slug").items()
    }
    assert facts == {
        "them-dong-luc-hop-tac-dia-phuong-viet-han": ("", "", ""),
        "tong-bi-thu-to-lam-du-le-ra-mat-tong-lanh-su-quan-viet-nam-tai-busan": ("Đậu Tiến Đạt", "theo TTXVN", ""),
        "tang-cuong-moi-quan-he-hop-tac-sau-rong-giua-tinh-hai-duong-va-suwon-han-quoc": ("Hạnh Trần (t/h)", "", ""),
        "toa-dam-ky-niem-25-nam-thiet-lap-quan-he-ngoai-giao-viet-nam-han-quoc": (
            "",
            "Nguồn tin: HTQT",
            "Sở Ngoại vụ Quảng Trị",
        ),
        "dua-quan-he-doi-tac-hop-tac-chien-luoc-viet-han-di-vao-chieu-sau": (
            "Nguyễn Hồng Điệp",
            "Theo Nguyễn Hồng Điệp (TTXVN/Vietnam+)",
            "Báo Gia Lai",
        ),
    }


def test_every_named_photo_keeps_its_caption_and_credit(seeded):
    photos = sorted((image.caption, image.credit) for image in Image.objects.all())
    assert ("Tổng Bí thư Tô Lâm phát biểu tại buổi lễ", "ẢNH: TTXVN") in photos
    assert ("Các đại biểu chụp ảnh lưu niệm tại Tọa đàm", "") in photos
    assert len(photos) == 6


def test_all_articles_are_published_and_about_korea(seeded):
    assert Article.objects.published().count() == 5
    assert not Article.objects.exclude(countries__code="KR").exists()
    assert set(Article.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_partnerships_reported_by_the_texts(seeded):
    found = {(p.province.slug, p.partner.slug, p.kind, p.established_year) for p in Partnership.objects.all()}
    assert found == {("ho-chi-minh", "busan", "friendship", 1995), ("hai-duong", "suwon", "friendship", 2004)}


def test_hai_duong_suwon_ties_appear_under_hai_phong_since_the_merger(seeded):
    hai_duong = Province.objects.get(slug="hai-duong")
    assert hai_duong.merged_into.slug == "hai-phong"
    assert Partnership.objects.get(partner__slug="suwon").province == hai_duong


def test_events_reported_by_the_texts(seeded):
    found = {(e.start_date.isoformat(), e.kind, e.province.slug if e.province else None) for e in Event.objects.all()}
    assert found == {
        ("2025-08-13", "ceremony", None),
        ("2025-08-13", "anniversary", "ho-chi-minh"),
        ("2023-02-07", "visit", "hai-duong"),
        ("2017-11-28", "seminar", "quang-tri"),
    }


def test_busan_launch_event_is_in_korea_time(seeded):
    launch = Event.objects.get(slug="le-ra-mat-tong-lanh-su-quan-viet-nam-tai-busan")
    assert (launch.timezone, launch.country.code, launch.start_time) == ("Asia/Seoul", "KR", None)


def test_busan_is_findable_by_its_other_names(seeded):
    assert {"Pusan", "부산"} <= set(Partner.objects.get(slug="busan").aliases.splitlines())


def test_loading_again_keeps_editors_changes(seeded):
    Article.objects.filter(slug="them-dong-luc-hop-tac-dia-phuong-viet-han").update(title="Đã sửa")
    call_command("load_fixtures", verbosity=0)
    assert Article.objects.filter(title="Đã sửa").exists()


def test_pages_show_the_seed_articles(seeded, client):
    page = client.get("/provinces/hai-phong/").content.decode()
    assert "Tăng cường mối quan hệ hợp tác sâu rộng giữa tỉnh Hải Dương và Suwon (Hàn Quốc)" in page
    article = client.get("/articles/tong-bi-thu-to-lam-du-le-ra-mat-tong-lanh-su-quan-viet-nam-tai-busan/")
    assert "Đậu Tiến Đạt" in article.content.decode() and "ẢNH: TTXVN" in article.content.decode()


def test_forced_reload_updates_in_place(seeded):
    counts = (Article.objects.count(), Partnership.objects.count(), Image.objects.count())
    call_command("load_fixtures", "--force", verbosity=0)
    assert (Article.objects.count(), Partnership.objects.count(), Image.objects.count()) == counts
