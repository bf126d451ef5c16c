"""Model invariants, querysets and the small helpers the pages rely on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.models import Article, Event, Image, Partnership, Province, Status, vietnamese_slugify

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


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Đà Nẵng", "da-nang"),
        ("Hải Dương", "hai-duong"),
        ("Đồng Tháp", "dong-thap"),
        ("Thừa Thiên Huế", "thua-thien-hue"),
    ],
)
def test_vietnamese_slugify_keeps_d_with_stroke(text, slug):
    assert vietnamese_slugify(text) == slug


def assert_refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_current_province_cannot_point_to_another_unit():
    unit = make_province("Hải Phòng")
    assert_refused(lambda: make_province("Hải Dương", merged_into=unit, is_current=True, code="30"))


def test_merged_province_must_point_to_its_new_unit():
    assert_refused(lambda: make_province("Hải Dương", is_current=False, code=None))


def test_current_province_needs_its_current_code():
    assert_refused(lambda: make_province("Hà Nội", code=None))


def test_province_slug_is_unique():
    make_province("Quảng Trị")
    assert_refused(lambda: make_province("Quảng Trị", legacy_code="999"))


def test_province_family_of_a_current_unit_includes_merged_units():
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    family = Province.objects.family_of
    assert set(family(unit).values_list("pk", flat=True)) == {unit.pk, old.pk}
    assert list(family(old).values_list("pk", flat=True)) == [old.pk]


def test_country_code_must_be_upper_case():
    assert_refused(lambda: make_country("kr"))


def test_country_slug_is_its_lower_case_code():
    assert make_country("KR").get_absolute_url() == "/countries/kr/"


def test_image_needs_alt_text():
    assert_refused(lambda: Image.objects.create(alt_text="", caption="Ảnh"))


def test_event_cannot_end_before_it_starts():
    assert_refused(lambda: make_event(start_date=datetime.date(2025, 8, 13), end_date=datetime.date(2025, 8, 12)))


def test_published_article_needs_a_publication_time():
    assert_refused(lambda: make_article(status=Status.PUBLISHED, published_at=None))


def test_partnership_kind_is_unique_per_province_and_partner():
    province, partner = make_province(), make_partner()
    make_partnership(province, partner)
    assert_refused(lambda: make_partnership(province, partner))


def test_partnership_year_must_be_plausible():
    assert_refused(lambda: make_partnership(make_province(), make_partner(), established_year=1200))


def test_partnership_takes_its_year_from_its_date():
    partnership = make_partnership(
        make_province(), make_partner(), established_year=None, established_on=datetime.date(1995, 5, 1)
    )
    assert partnership.established_year == 1995


def test_partnership_years_running():
    partnership = make_partnership(make_province(), make_partner(), established_year=1995)
    assert partnership.years_running(datetime.date(2025, 8, 13)) == 30


@pytest.mark.parametrize(
    ("established_on", "today", "expected"),
    [
        (datetime.date(1995, 8, 13), datetime.date(2025, 8, 12), 29),
        (datetime.date(1995, 8, 13), datetime.date(2025, 8, 13), 30),
        (datetime.date(2004, 2, 29), datetime.date(2025, 2, 28), 20),
        (datetime.date(2004, 2, 29), datetime.date(2025, 3, 1), 21),
        (datetime.date(2030, 1, 1), datetime.date(2025, 8, 13), None),
    ],
)
def test_partnership_years_running_counts_whole_years_from_a_known_day(established_on, today, expected):
    partnership = make_partnership(make_province(), make_partner(), established_on=established_on)
    assert partnership.years_running(today) == expected


def test_partnership_established_later_than_today_has_no_age_yet():
    partnership = make_partnership(make_province(), make_partner(), established_year=2030)
    assert partnership.years_running(datetime.date(2025, 8, 13)) is None


def test_partnership_year_must_match_its_day():
    partnership = make_partnership(
        make_province(), make_partner(), established_year=1995, established_on=datetime.date(1996, 5, 1)
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert "established_year" in error.value.message_dict


def test_partnership_without_a_year_has_no_age():
    partnership = make_partnership(make_province(), make_partner(), established_year=None)
    assert partnership.years_running() is None


def test_published_excludes_drafts_reviews_archived_and_scheduled():
    visible = make_article("Đã xuất bản")
    make_article("Nháp", status=Status.DRAFT)
    make_article("Chờ duyệt", status=Status.REVIEW)
    make_article("Lưu trữ", status=Status.ARCHIVED)
    make_article("Hẹn giờ", published_at=timezone.now() + datetime.timedelta(minutes=5))
    assert list(Article.objects.published()) == [visible]


def test_is_published_matches_the_queryset():
    assert make_article().is_published()
    assert not make_article(published_at=timezone.now() + datetime.timedelta(minutes=5)).is_published()
    assert not make_article(status=Status.DRAFT).is_published()


def test_for_province_of_a_current_unit_includes_merged_units():
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    from_old = make_article(provinces=[old])
    from_unit = make_article(provinces=[unit])
    make_article()
    assert set(Article.objects.for_province(unit)) == {from_old, from_unit}
    assert list(Article.objects.for_province(old)) == [from_old]


def test_count_by_current_unit_counts_an_article_once():
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    make_article(provinces=[unit, old])
    make_article(provinces=[old])
    assert Article.objects.published().count_by_current_unit() == {unit.pk: 2}


def test_count_by_tag_counts_only_the_given_articles():
    korea = make_country()
    make_article(countries=[korea])
    make_article(countries=[korea], status=Status.DRAFT)
    assert Article.objects.published().count_by_tag("countries") == {korea.pk: 1}


def test_counts_over_all_articles_leave_out_drafts_and_scheduled_ones():
    korea = make_country()
    unit = make_province("Hải Phòng")
    make_article(countries=[korea], provinces=[unit])
    make_article(countries=[korea], provinces=[unit], status=Status.REVIEW, published_at=None)
    make_article(countries=[korea], provinces=[unit], published_at=timezone.now() + datetime.timedelta(hours=1))
    assert Article.objects.count_by_tag("countries") == {korea.pk: 1}
    assert Article.objects.count_by_current_unit() == {unit.pk: 1}


def test_counts_over_a_filtered_queryset_count_only_its_published_articles():
    korea = make_country()
    make_article("Một", countries=[korea])
    make_article("Hai", countries=[korea])
    assert Article.objects.filter(title="Một").count_by_tag("countries") == {korea.pk: 1}


def test_upcoming_and_past_events():
    today = datetime.date(2025, 8, 13)
    running = make_event("Đang diễn ra", start_date=today - datetime.timedelta(days=1), end_date=today)
    later = make_event("Sắp tới", start_date=today + datetime.timedelta(days=3))
    earlier = make_event("Đã qua", start_date=today - datetime.timedelta(days=3))
    assert list(Event.objects.upcoming(today)) == [running, later]
    assert list(Event.objects.past(today)) == [earlier]


def test_article_paragraphs_split_on_blank_lines():
    article = make_article(body="Một.\n\n\nHai.\n\n  \n\nBa.")
    assert article.paragraphs() == ["Một.", "Hai.", "Ba."]


def test_placement_caption_can_be_overridden():
    article = make_article()
    image = make_image(caption="Chú thích gốc")
    placement = article.placements.create(image=image, caption_override="Chú thích riêng")
    assert placement.caption == "Chú thích riêng"
    placement.caption_override = ""
    assert placement.caption == "Chú thích gốc"


def test_string_representations():
    unit = make_province("Hải Phòng")
    partner = make_partner("Suwon")
    assert str(unit) == "Hải Phòng"
    assert str(make_country()) == "Hàn Quốc"
    assert str(partner) == "Suwon"
    assert str(make_partnership(unit, partner)) == "Hải Phòng – Suwon"
    assert str(make_topic("Ngoại giao")) == "Ngoại giao"
    assert str(make_event("Hội thảo")) == "Hội thảo"
    assert str(make_article("Tin")) == "Tin"
    assert str(make_image(caption="Ảnh lễ ký")) == "Ảnh lễ ký"


def test_natural_keys_round_trip():
    unit = make_province("Hải Phòng")
    assert Province.objects.get_by_natural_key(*unit.natural_key()) == unit
    korea = make_country()
    assert type(korea).objects.get_by_natural_key(*korea.natural_key()) == korea
    partnership = make_partnership(unit, make_partner())
    assert Partnership.objects.get(pk=partnership.pk).province == unit


def test_merged_province_has_no_current_code():
    unit = make_province("Hải Phòng")
    assert_refused(lambda: make_province("Hải Dương", merged_into=unit, code="30"))


@pytest.mark.parametrize("zone", ["Asia/Seoul", "Europe/Paris", "Asia/Ho_Chi_Minh"])
def test_event_accepts_an_iana_time_zone(zone):
    make_event(timezone=zone).full_clean()


@pytest.mark.parametrize("zone", ["Seoul", "GMT+9", "Asia/Hanoi", "../etc/passwd", ""])
def test_event_refuses_a_time_zone_the_calendar_cannot_use(zone):
    with pytest.raises(ValidationError) as error:
        make_event(timezone=zone).full_clean()
    assert "timezone" in error.value.message_dict


def test_timed_event_abroad_must_say_its_time_zone():
    event = make_event(country=make_country("KR"), start_time=datetime.time(10, 0))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "timezone" in error.value.message_dict
    event.timezone = "Asia/Seoul"
    event.full_clean()


def test_timed_event_in_a_province_keeps_vietnam_time_whatever_the_partners_country():
    make_event(province=make_province(), country=make_country("KR"), start_time=datetime.time(10, 0)).full_clean()


def test_timed_event_in_vietnam_without_a_province_keeps_vietnam_time():
    make_event(country=make_country("VN", name="Việt Nam"), start_time=datetime.time(10, 0)).full_clean()


def test_event_abroad_without_an_hour_needs_no_time_zone():
    make_event(country=make_country("KR")).full_clean()
