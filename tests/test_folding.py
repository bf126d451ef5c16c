"""Folding text as readers type it, and the folded columns that every save keeps current."""

import pytest

from newsroom.folding import fold, fold_one_to_one, fold_with_offsets, words
from newsroom.models import Article

from .factories import make_article, make_partner


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hải Dương", "hai duong"),
        ("HẢI DƯƠNG", "hai duong"),
        ("Quảng Trị", "quang tri"),
        ("Đà Nẵng", "da nang"),
        ("đường", "duong"),
        ("Thừa Thiên Huế", "thua thien hue"),
        ("Hai Duong", "hai duong"),
        ("부산광역시", "부산광역시"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_decomposed_input_folds_like_composed():
    assert fold("Ha\u0309i Du\u031bo\u031bng") == "hai duong"


def test_hangul_stays_whole():
    # Syllables decompose into letters (jamo), not marks: folding must not split them.
    assert fold("수원") == "수원"


def test_offsets_point_back_to_the_original_characters():
    text = "Ở Đà Nẵng"
    folded, offsets = fold_with_offsets(text)
    start = folded.index("da nang")
    assert text[offsets[start] : offsets[start + len("da nang") - 1] + 1] == "Đà Nẵng"


def test_one_to_one_folding_is_refused_where_a_character_folds_to_none():
    assert fold_one_to_one("Hải Dương") == "hai duong"
    assert fold_one_to_one("x\u0301 Hải Dương") is None  # a lone combining mark folds to nothing


def test_words_drop_punctuation_and_markup():
    assert words("<b>Hải-Dương</b>, (Suwon)!") == ["b", "hai", "duong", "b", "suwon"]


@pytest.mark.django_db
def test_saving_folds_title_and_text_into_the_search_columns():
    article = make_article("Đoàn Đà Nẵng thăm Busan", lead="Sáng nay", body="Tại Hải Dương.")
    article.refresh_from_db()
    assert article.search_title == "doan da nang tham busan"
    assert article.search_body == "sang nay\ntai hai duong."


@pytest.mark.django_db
def test_a_partial_save_keeps_the_search_columns_current():
    article = make_article("Tin cũ")
    article.title = "Tin mới ở Quảng Trị"
    article.save(update_fields=["title"])
    assert Article.objects.get(pk=article.pk).search_title == "tin moi o quang tri"


@pytest.mark.django_db
def test_a_partner_folds_all_its_names():
    partner = make_partner("Thành phố Busan", name_en="Busan Metropolitan City", name_ko="부산광역시", aliases="Pusan")
    assert partner.search_title == "thanh pho busan\nbusan metropolitan city\n부산광역시\npusan"
