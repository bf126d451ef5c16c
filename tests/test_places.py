"""The places fixture: Vietnam's 63 legacy and 34 current province-level units, and the world's countries."""

import pytest
from django.core.management import call_command

from newsroom.models import Country, Province


@pytest.fixture
def places(db):
    call_command("loaddata", "places", verbosity=0)


def test_all_63_legacy_units_are_loaded(places):
    assert Province.objects.count() == 63


def test_34_units_are_current(places):
    assert Province.objects.current().count() == 34


def test_29_units_are_merged(places):
    assert Province.objects.filter(is_current=False).count() == 29


def test_every_merged_unit_points_to_a_current_unit(places):
    merged = Province.objects.filter(is_current=False)
    assert all(unit.merged_into is not None and unit.merged_into.is_current for unit in merged)


def test_no_current_unit_points_anywhere(places):
    assert not Province.objects.current().filter(merged_into__isnull=False).exists()


def test_binh_dinh_merged_into_gia_lai_which_took_its_old_code(places):
    binh_dinh = Province.objects.get(legacy_code="52")
    assert (binh_dinh.name, binh_dinh.merged_into.name) == ("Bình Định", "Gia Lai")
    assert (binh_dinh.merged_into.legacy_code, binh_dinh.merged_into.code) == ("64", "52")


def test_tien_giang_merged_into_dong_thap_not_tay_ninh(places):
    assert Province.objects.get(name="Tiền Giang").merged_into.name == "Đồng Tháp"


def test_hue_is_also_found_as_thua_thien_hue(places):
    assert "Thừa Thiên Huế" in Province.objects.get(slug="hue").aliases.splitlines()


def test_hai_duong_merged_into_hai_phong(places):
    assert Province.objects.get(slug="hai-duong").merged_into.slug == "hai-phong"


def test_da_nang_slug_keeps_the_d_of_dj(places):
    assert Province.objects.filter(slug="da-nang", name="Đà Nẵng").exists()


def test_all_province_slugs_are_ascii(places):
    assert all(slug.isascii() for slug in Province.objects.values_list("slug", flat=True))


def test_korea_is_named_in_vietnamese_english_and_korean(places):
    korea = Country.objects.get(code="KR")
    assert (korea.name, korea.name_en, korea.name_ko) == ("Hàn Quốc", "South Korea", "대한민국")


def test_fixture_is_exactly_what_the_generator_produces():
    call_command("build_places_fixture", "--check", verbosity=0)
