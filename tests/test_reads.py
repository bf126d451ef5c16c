"""The busiest pages' reads written as SQL: the same rows, values and order as the querysets they stand for."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.models import Article, ArticleImage, Country, Event, Partner, Partnership, Province, Status
from newsroom.reads import (
    ARTICLE_PAGE_RELATIONS,
    PublishedCards,
    countries_with_content,
    country_by_code,
    listed_events,
    listed_partnerships,
    partners_of,
    province_with_units,
    provinces_by_name,
    published_article,
    published_cards,
    read_page_relations,
)

from .factories import (
    make_article,
    make_country,
    make_event,
    make_image,
    make_partner,
    make_partnership,
    make_province,
    make_topic,
)

pytestmark = pytest.mark.django_db


def values(item: object) -> dict | None:
    """Every field value of a model instance, as read from the database."""
    return {key: value for key, value in vars(item).items() if not key.startswith("_")} if item else None


def relation_rows(article: Article) -> dict[str, list[tuple]]:
    """Each relation's rows in order: every field's value, and the values of the rows read with it."""
    return {
        name: [
            (values(item), [values(related) if (related := getattr(item, key)) else None for key in joined])
            for item in getattr(article, name).all()
        ]
        for name, joined in ARTICLE_PAGE_RELATIONS.items()
    }


def test_page_relations_read_as_djangos_prefetching_reads_them():
    unit = make_province("Hải Phòng")
    merged = make_province("Hải Dương", merged_into=unit)
    partner = make_partner("Thành phố Incheon", country=make_country())
    later = timezone.now() + datetime.timedelta(days=2)
    events = [make_event(f"Sự kiện {n}", start_date=datetime.date(2025, 8, n + 1)) for n in range(3)]
    scheduled = make_event("Sự kiện hẹn giờ", published_at=later)
    draft = make_event("Sự kiện nháp", status=Status.DRAFT)
    article = make_article(
        provinces=[unit, merged],
        countries=[make_country(), make_country("JP", name="Nhật Bản")],
        partners=[partner, make_partner("Tỉnh Gyeonggi")],
        events=[*events, scheduled, draft],
        topics=[make_topic("Văn hóa"), make_topic("Giáo dục")],
    )
    for position, image in ((2, make_image()), (1, make_image()), (1, make_image())):
        article.placements.create(image=image, position=position)
    for days in (3, 1, 2):
        article.corrections.create(text=f"Sửa {days}", noted_at=timezone.now() - datetime.timedelta(days=days))
    prefetched = Article.objects.prefetch_related(
        Prefetch("provinces", queryset=Province.objects.select_related("merged_into")),
        "countries",
        Prefetch("partners", queryset=Partner.objects.select_related("country")),
        Prefetch("events", queryset=Event.objects.published()),
        "topics",
        Prefetch("placements", queryset=ArticleImage.objects.select_related("image")),
        "corrections",
    ).get(pk=article.pk)
    read = Article.objects.get(pk=article.pk)
    read_page_relations(read)
    expected = relation_rows(prefetched)
    with CaptureQueriesContext(connection) as queries:
        assert relation_rows(read) == expected
    assert len(queries) == 0
    assert [event.pk for event in read.events.all()] == [event.pk for event in reversed(events)]
    assert [province.merged_into for province in read.provinces.all()] == [unit, None]


def event_rows(events: list[Event]) -> list[tuple]:
    """Each event's field values and those of its province, country and photo, in order."""
    return [(values(event), values(event.province), values(event.country), values(event.image)) for event in events]


def test_listed_events_are_the_rows_of_the_published_upcoming_and_past_querysets():
    today = timezone.localdate()
    unit = make_province("Hải Phòng")
    merged = make_province("Hải Dương", merged_into=unit)
    other = make_province("Quảng Ninh")
    korea, japan = make_country(), make_country("JP", name="Nhật Bản")
    later = timezone.now() + datetime.timedelta(days=2)
    day = datetime.timedelta(days=1)
    for offset, extra in [
        (-3, {"end_date": today + day}),  # under way: upcoming until its last day is over
        (-3, {"end_date": today - day}),
        (0, {"start_time": datetime.time(14), "image": make_image()}),  # created first, listed after 9:00
        (0, {}),
        (0, {"start_time": datetime.time(9)}),
        (5, {"published_at": None}),
        (5, {"published_at": later}),
        (6, {"status": Status.DRAFT}),
        (-1, {}),
        (-9, {"start_time": datetime.time(8)}),
    ]:
        for province, country in ((unit, korea), (merged, None), (other, japan)):
            make_event(start_date=today + offset * day, province=province, country=country, **extra)
    published = Event.objects.published().select_related("province", "country", "image")
    family = [unit.pk, merged.pk]
    cases = [
        (listed_events("upcoming"), published.upcoming()),
        (listed_events("past", limit=5), published.past()[:5]),
        (listed_events("upcoming", "province", family), published.upcoming().filter(province__in=family)),
        (listed_events("past", "province", family, limit=3), published.past().filter(province__in=family)[:3]),
        (listed_events("upcoming", "country", [korea.pk]), published.upcoming().filter(country=korea)),
        (listed_events("past", "country", [japan.pk], limit=10), published.past().filter(country=japan)[:10]),
    ]
    for listed, queryset in cases:
        assert listed, "every case lists some events"
        assert event_rows(listed) == event_rows(list(queryset))


def partnership_rows(partnerships: list[Partnership]) -> list[tuple]:
    """Each partnership's values and those of every row it is read with, in order."""
    return [
        (values(p), values(p.province), values(p.province.merged_into), values(p.partner), values(p.partner.country))
        for p in partnerships
    ]


def test_listed_partnerships_are_the_rows_of_the_related_queryset():
    unit = make_province("Hải Phòng")
    merged = make_province("Hải Dương", merged_into=unit)
    korea, japan = make_country(), make_country("JP", name="Nhật Bản")
    # Created out of name order, so that only the query's order can list them by province, then partner.
    partners = [make_partner(name, country=country) for name, country in (("Yokohama", japan), ("Incheon", korea))]
    for province in (merged, unit, make_province("Quảng Ninh")):
        for partner in partners:
            make_partnership(province, partner)
    related = Partnership.objects.with_related()
    family = [unit.pk, merged.pk]
    listed = listed_partnerships("province", family)
    assert [(p.province.name, p.partner.name) for p in listed] == [
        ("Hải Dương", "Incheon"),
        ("Hải Dương", "Yokohama"),
        ("Hải Phòng", "Incheon"),
        ("Hải Phòng", "Yokohama"),
    ]
    assert partnership_rows(listed) == partnership_rows(list(related.filter(province__in=family)))
    by_partner = listed_partnerships("partner", [partners[0].pk])
    assert partnership_rows(by_partner) == partnership_rows(list(related.filter(partner=partners[0])))


def test_province_with_units_reads_the_unit_it_joined_and_the_units_merged_into_it():
    unit = make_province("Hải Phòng")
    merged = [make_province(name, merged_into=unit) for name in ("Hải Dương", "An Lão")]
    expected = Province.objects.select_related("merged_into").prefetch_related("merged_units").get(slug=unit.slug)
    province = province_with_units(unit.slug)
    with CaptureQueriesContext(connection) as queries:
        assert values(province) == values(expected)
        assert [values(old) for old in province.merged_units.all()] == [
            values(old) for old in expected.merged_units.all()
        ]
        assert [old.name for old in province.merged_units.all()] == ["An Lão", "Hải Dương"]
        assert province.merged_into is None
        assert values(province_with_units(merged[0].slug).merged_into) == values(unit)
    assert len(queries) == 2  # the second province's own reads
    assert province_with_units("khong-co") is None


def card_rows(articles: list[Article]) -> list[tuple]:
    return [(values(article), values(article.cover_image)) for article in articles]


def test_published_cards_are_windows_of_the_published_list_for_cards():
    unit = make_province("Hải Phòng")
    merged = make_province("Hải Dương", merged_into=unit)
    korea = make_country()
    noon = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    for number in range(7):
        make_article(
            f"Bài {number}",
            # Two by two at the same time: the newer id comes first, as in the model's order.
            published_at=noon - datetime.timedelta(hours=number // 2),
            provinces=[(unit, merged, unit)[number % 3]],
            countries=[korea] if number % 2 else [],
            cover_image=make_image() if number % 3 == 0 else None,
        )
    make_article("Bài hẹn giờ", published_at=timezone.now() + datetime.timedelta(days=1), provinces=[unit])
    make_article("Bài nháp", status=Status.DRAFT, provinces=[unit])
    cards = Article.objects.published().for_list()
    family = [unit.pk, merged.pk]
    cases = [
        (published_cards(0, 3), cards[0:3]),
        (published_cards(3, 3), cards[3:6]),
        (published_cards(6, 20), cards[6:26]),
        (published_cards(0, 20, "provinces", family), cards.tagged("provinces", family)[0:20]),
        (published_cards(1, 2, "provinces", [merged.pk]), cards.tagged("provinces", [merged.pk])[1:3]),
        (published_cards(0, 20, "countries", [korea.pk]), cards.tagged("countries", [korea.pk])[0:20]),
    ]
    for read, queryset in cases:
        assert read, "every case reads some cards"
        assert card_rows(read) == card_rows(list(queryset))
    assert [article.title for article in published_cards(0, 3)] == ["Bài 1", "Bài 0", "Bài 3"]


def test_published_cards_as_a_sequence_are_sliced_within_their_length():
    for number in range(3):
        make_article(f"Bài {number}")
    cards = PublishedCards(total=3)
    assert len(cards) == 3
    assert [article.title for article in cards[1:10]] == [article.title for article in published_cards(1, 2)]
    assert cards[3:6] == []
    assert [article.title for article in cards] == ["Bài 2", "Bài 1", "Bài 0"]
    assert cards[-1].title == "Bài 0"
    with pytest.raises(IndexError):
        cards[3]


def test_countries_with_content_are_those_with_articles_partners_or_published_events():
    korea, japan, china, laos = (
        make_country(code, name=name)
        for code, name in (("KR", "Hàn Quốc"), ("JP", "Nhật Bản"), ("CN", "Trung Quốc"), ("LA", "Lào"))
    )
    make_country("TH", name="Thái Lan")  # nothing about it
    make_partner("Thành phố Incheon", country=korea)
    make_event(country=japan)
    make_event(country=laos, status=Status.DRAFT)
    make_event(country=laos, published_at=timezone.now() + datetime.timedelta(days=1))
    expected = Country.objects.filter(
        Q(pk__in=[china.pk])
        | Exists(Partner.objects.filter(country=OuterRef("pk")))
        | Exists(Event.objects.published().filter(country=OuterRef("pk")))
    )
    read = countries_with_content([china.pk])
    assert [country.name for country in read] == ["Hàn Quốc", "Nhật Bản", "Trung Quốc"]
    assert [values(country) for country in read] == [values(country) for country in expected]
    assert [country.name for country in countries_with_content([])] == ["Hàn Quốc", "Nhật Bản"]


def test_provinces_by_name_are_every_province_by_name():
    unit = make_province("Hải Phòng")
    make_province("Hải Dương", merged_into=unit)
    make_province("An Giang")
    assert [values(p) for p in provinces_by_name()] == [values(p) for p in Province.objects.order_by("name")]
    assert [p.name for p in provinces_by_name()] == ["An Giang", "Hải Dương", "Hải Phòng"]


def test_a_country_and_its_first_partners_by_name_with_their_logos():
    korea = make_country()
    for name in ("Tỉnh Gyeonggi", "Thành phố Busan", "Thành phố Incheon"):
        make_partner(name, country=korea, logo=make_image() if "Busan" in name else None)
    make_partner("Thành phố Osaka", country=make_country("JP", name="Nhật Bản"))
    assert values(country_by_code("KR")) == values(Country.objects.get(code="KR"))
    assert country_by_code("ZZ") is None
    read = partners_of(korea, limit=2)
    expected = Partner.objects.filter(country=korea).select_related("logo")[:2]
    assert [(values(p), values(p.logo)) for p in read] == [(values(p), values(p.logo)) for p in expected]
    assert [p.name for p in read] == ["Thành phố Busan", "Thành phố Incheon"]


def test_published_article_is_read_only_when_the_public_may_read_it():
    article = make_article("Bài đã đăng", cover_image=make_image())
    make_article("Bài hẹn giờ", published_at=timezone.now() + datetime.timedelta(hours=1))
    make_article("Bài nháp", status=Status.DRAFT)
    expected = Article.objects.published().select_related("cover_image").get(slug=article.slug)
    read = published_article(article.slug)
    assert (values(read), values(read.cover_image)) == (values(expected), values(expected.cover_image))
    assert published_article("bai-hen-gio") is None
    assert published_article("bai-nhap") is None


def test_reads_of_no_places_read_nothing():
    make_article()
    assert listed_partnerships("province", []) == []
    assert listed_events("upcoming", "province", []) == []
    assert published_cards(0, 20, "provinces", []) == []
