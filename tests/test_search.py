"""/search/: what readers find, in whatever script or spelling they type, and calm answers to odd queries."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from newsroom.models import Country, Status

from .factories import HOSTILE, make_article, make_country, make_event, make_partner, make_partnership, make_province

pytestmark = pytest.mark.django_db


def search(client, status: int = 200, **params):
    response = client.get("/search/", params)
    assert response.status_code == status
    return response


def titles(response) -> list[str]:
    results = response.context["results"]
    return [hit.item.title if hit.kind != "partner" else hit.item.name for hit in results.hits]


@pytest.fixture
def newsroom():
    korea = make_country("KR", aliases="Republic of Korea\n한국")
    hai_phong = make_province("Hải Phòng", name_en="Hai Phong")
    hai_duong = make_province("Hải Dương", merged_into=hai_phong, aliases="하이즈엉")
    quang_tri = make_province("Quảng Trị", aliases="꽝찌")
    da_nang = make_province("Đà Nẵng", name_en="Da Nang")
    busan = make_partner(
        "Thành phố Busan", country=korea, name_en="Busan Metropolitan City", name_ko="부산광역시", aliases="Pusan\n부산"
    )
    suwon = make_partner("Thành phố Suwon", country=korea, name_en="Suwon", name_ko="수원시", aliases="수원")
    make_partnership(hai_duong, suwon)
    make_article(
        "Hải Dương tiếp đoàn Suwon",
        provinces=[hai_duong],
        countries=[korea],
        partners=[suwon],
        body="Lãnh đạo tỉnh Hải Dương đã tiếp đoàn đại biểu thành phố Suwon.",
    )
    make_article(
        "Tọa đàm tại Quảng Trị",
        provinces=[quang_tri],
        countries=[korea],
        body="Tỉnh Quảng Trị tổ chức tọa đàm với các chuyên gia Hàn Quốc.",
    )
    make_article("Đoàn Đà Nẵng thăm Busan", provinces=[da_nang], partners=[busan], body="Chuyến thăm bốn ngày.")
    make_article("Lễ kỷ niệm ở thành phố cảng", partners=[busan], body="Ba mươi năm quan hệ hữu nghị.")
    make_event("Tiếp đoàn Suwon tại Hải Dương", province=hai_duong, country=korea, description="Buổi tiếp xã giao.")


@pytest.mark.parametrize("query", ["hai duong", "Hải Dương", "HAI DUONG", "hải dương", "Hai Duong"])
def test_case_and_diacritics_do_not_matter(client, newsroom, query):
    assert titles(search(client, q=query)) == ["Hải Dương tiếp đoàn Suwon", "Tiếp đoàn Suwon tại Hải Dương"]


@pytest.mark.parametrize("query", ["quang tri", "Quảng Trị", "QUANG TRI", "Quang Tri"])
def test_quang_tri_with_or_without_diacritics(client, newsroom, query):
    assert titles(search(client, q=query)) == ["Tọa đàm tại Quảng Trị"]


@pytest.mark.parametrize("query", ["da nang", "Đà Nẵng", "ĐÀ NẴNG", "đà nẵng", "Da Nang"])
def test_d_with_stroke_is_typed_as_d(client, newsroom, query):
    assert titles(search(client, q=query)) == ["Đoàn Đà Nẵng thăm Busan"]


def test_words_match_from_the_start_of_a_word(client, newsroom):
    assert "Đoàn Đà Nẵng thăm Busan" in titles(search(client, q="doan"))
    assert titles(search(client, q="oan")) == []


def test_title_matches_rank_above_newer_body_matches(client):
    make_article("Tin cũ về Suwon", body="Nội dung.", published_at=timezone.now() - datetime.timedelta(days=30))
    make_article("Tin mới", body="Đoàn Suwon đến thăm.", published_at=timezone.now() - datetime.timedelta(hours=1))
    assert titles(search(client, q="suwon")) == ["Tin cũ về Suwon", "Tin mới"]


def test_a_title_holding_every_word_in_any_order_ranks_first(client):
    old = timezone.now() - datetime.timedelta(days=30)
    make_article("Đoàn Suwon thăm Hải Dương", body="Nội dung.", published_at=old)
    make_article("Hải Dương đón khách", body="Đoàn Suwon đến thăm.", published_at=timezone.now())
    make_article("Tin Suwon", body="Đoàn đến Hải Dương.", published_at=timezone.now())
    make_article("Tin Phaisuwon Haiduong", body="Suwon và Hải Dương.", published_at=timezone.now())
    ranked = titles(search(client, q="hai duong suwon"))
    assert ranked[0] == "Đoàn Suwon thăm Hải Dương"
    assert set(ranked[1:]) == {"Hải Dương đón khách", "Tin Suwon", "Tin Phaisuwon Haiduong"}


def test_among_body_matches_the_newest_comes_first(client):
    make_article("Tin cũ", body="Đoàn Suwon.", published_at=timezone.now() - datetime.timedelta(days=30))
    make_article("Tin mới", body="Đoàn Suwon.", published_at=timezone.now() - datetime.timedelta(hours=1))
    assert titles(search(client, q="suwon")) == ["Tin mới", "Tin cũ"]


@pytest.mark.parametrize("query", ["Busan", "busan", "Pusan", "부산", "부산광역시", "Busan Metropolitan City"])
def test_a_partner_is_found_by_any_of_its_names_with_its_articles(client, newsroom, query):
    found = titles(search(client, q=query))
    assert found[0] == "Thành phố Busan"
    # The second article never names the city: it is found through its tag.
    assert set(found[1:]) == {"Đoàn Đà Nẵng thăm Busan", "Lễ kỷ niệm ở thành phố cảng"}


@pytest.mark.parametrize("query", ["수원", "Suwon", "수원시"])
def test_suwon_in_korean_or_english(client, newsroom, query):
    assert "Thành phố Suwon" in titles(search(client, q=query))
    assert "Hải Dương tiếp đoàn Suwon" in titles(search(client, q=query))


@pytest.mark.parametrize("query", ["하이즈엉", "Hai Duong", "Tỉnh Hải Dương"])
def test_a_province_is_found_by_its_korean_english_and_full_names(client, newsroom, query):
    response = search(client, q=query)
    assert [province.name for province in response.context["results"].provinces] == ["Hải Dương"]
    assert "Hải Dương tiếp đoàn Suwon" in titles(response)


@pytest.mark.parametrize("query", ["Hàn Quốc", "han quoc", "South Korea", "Republic of Korea", "대한민국", "한국"])
def test_a_country_is_found_by_any_of_its_names(client, newsroom, query):
    response = search(client, q=query)
    assert [country.code for country in response.context["results"].countries] == ["KR"]
    assert 'href="/countries/kr/"' in response.content.decode()


def test_narrowing_by_type(client, newsroom):
    assert titles(search(client, q="suwon", type="partner")) == ["Thành phố Suwon"]
    assert titles(search(client, q="suwon", type="event")) == ["Tiếp đoàn Suwon tại Hải Dương"]
    assert titles(search(client, q="suwon", type="article")) == ["Hải Dương tiếp đoàn Suwon"]


def test_counts_per_type_are_shown(client, newsroom):
    content = search(client, q="suwon", type="event").content.decode()
    assert "Bài viết (1)" in content
    assert "Sự kiện (1)" in content
    assert "Đối tác (1)" in content
    assert "Tất cả (3)" in content


def test_a_current_province_narrows_to_its_merged_units_too(client, newsroom):
    found = titles(search(client, q="suwon", province="hai-phong"))
    assert found == ["Thành phố Suwon", "Hải Dương tiếp đoàn Suwon", "Tiếp đoàn Suwon tại Hải Dương"]
    assert titles(search(client, q="suwon", province="quang-tri")) == []


def test_narrowing_by_country(client, newsroom):
    japan = make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    make_article("Hợp tác đào tạo", countries=[japan], body="Học bổng cho sinh viên.")
    make_article("Đào tạo nghề", body="Học bổng nghề.", countries=[make_country("KR")])
    assert titles(search(client, q="hoc bong", country="jp")) == ["Hợp tác đào tạo"]


def test_unknown_filter_values_answer_400_with_a_message(client, newsroom):
    response = search(client, status=400, q="suwon", province="<b>khong-co</b>")
    content = response.content.decode()
    assert "không hợp lệ" in content
    assert "<b>khong-co</b>" not in content
    search(client, status=400, q="suwon", type="photo")


def test_pages(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for number in range(5):
        make_article(f"Suwon {number}", published_at=timezone.now() - datetime.timedelta(hours=number + 1))
    assert titles(search(client, q="suwon", page=3)) == ["Suwon 4"]
    search(client, status=404, q="suwon", page=4)
    search(client, status=404, q="suwon", page="x")


def test_snippet_marks_the_words_and_escapes_the_rest(client):
    make_article("Tin", lead="Mở đầu. <b>Đoàn</b> Suwon & bạn bè đã đến Hải Dương.", body="")
    hit = search(client, q="hai duong").context["results"].hits[0]
    assert (
        str(hit.snippet)
        == "Mở đầu. &lt;b&gt;Đoàn&lt;/b&gt; Suwon &amp; bạn bè đã đến <mark>Hải</mark> <mark>Dương</mark>."
    )


def test_snippet_of_rich_text_shows_its_words_without_its_markup(client):
    make_article("Tin", lead="", body="<p>Mở đầu. <strong>Đoàn</strong> Suwon &amp; bạn bè đã đến Hải Dương.</p>")
    hit = search(client, q="hai duong").context["results"].hits[0]
    assert str(hit.snippet) == "Mở đầu. Đoàn Suwon &amp; bạn bè đã đến <mark>Hải</mark> <mark>Dương</mark>."


def test_snippet_marks_only_words_that_start_with_the_query(client):
    make_article("Tin", lead="Đoàn Suwon và nhóm_suwon thăm Bansuwon, rồi (suwon) về.", body="")
    hit = search(client, q="suwon").context["results"].hits[0]
    assert str(hit.snippet) == "Đoàn <mark>Suwon</mark> và nhóm_suwon thăm Bansuwon, rồi (<mark>suwon</mark>) về."


def test_snippet_marks_the_right_letters_after_a_character_that_folds_to_nothing(client):
    make_article("Tin", lead="Dấu x\u0301 lẻ, rồi Suwon.", body="")
    hit = search(client, q="suwon").context["results"].hits[0]
    assert str(hit.snippet) == "Dấu x\u0301 lẻ, rồi <mark>Suwon</mark>."


def test_markup_in_rich_text_is_not_searchable(client):
    make_article("Tin", lead="", body="<p>Đoàn <strong>Suwon</strong> đến thăm.</p>")
    assert search(client, q="strong").context["results"].total == 0


def test_snippet_of_a_long_text_is_a_passage_around_the_first_match(client):
    body = " ".join(["Lời mở đầu dài."] * 60) + " Đoàn Suwon đến thăm. " + " ".join(["Phần kết."] * 60)
    make_article("Tin dài", lead="", body=body)
    snippet = str(search(client, q="suwon").context["results"].hits[0].snippet)
    assert "<mark>Suwon</mark>" in snippet
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert len(snippet) < 300


def test_hostile_text_is_shown_escaped(client):
    make_article("Tin lạ", body=HOSTILE)
    content = search(client, q="Đà Nẵng").content.decode()
    assert "<mark>Đà</mark> <mark>Nẵng</mark>" in content
    assert "<script>alert" not in content
    assert "<img src=x" not in content


def test_drafts_scheduled_and_archived_items_are_not_found(client):
    make_article("Suwon bản nháp", status=Status.DRAFT, published_at=None)
    make_article("Suwon chờ duyệt", status=Status.REVIEW, published_at=None)
    make_article("Suwon lưu trữ", status=Status.ARCHIVED)
    make_article("Suwon hẹn giờ", published_at=timezone.now() + datetime.timedelta(days=1))
    make_event("Sự kiện Suwon nháp", status=Status.DRAFT)
    make_article("Suwon đã xuất bản")
    assert titles(search(client, q="suwon")) == ["Suwon đã xuất bản"]


def test_an_empty_query_invites_a_search(client, newsroom):
    content = search(client, q="").content.decode()
    assert "có dấu hay không dấu đều được" in content
    assert "kết quả" not in content


ABSURD = [
    "!!!",
    "...",
    "%",
    "_",
    "\\",
    "*",
    ":*",
    "& | ! ( )",
    "' OR 1=1 --",
    '"',
    "\x00",
    "\x00suwon",
    "suwon\x00\x01",
    "a" * 5000,
    "suwon " * 300,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202e\u200b",
    "🙂",
    "ﷺ",
]


@pytest.mark.parametrize("query", ABSURD)
def test_absurd_queries_get_a_calm_answer(client, newsroom, query):
    content = search(client, q=query).content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content


def test_a_query_of_only_punctuation_says_so(client, newsroom):
    assert "không có chữ hay số nào để tìm" in search(client, q="!?…").content.decode()


def test_nul_bytes_are_dropped_not_refused(client, newsroom):
    assert titles(search(client, q="\x00suwon\x00", type="partner")) == ["Thành phố Suwon"]


def test_a_very_long_query_is_cut_to_its_first_words(client, newsroom):
    results = search(client, q="suwon " + "x" * 5000).context["results"]
    assert len(results.query) == 200
    assert results.terms[0] == "suwon"


def test_every_page_has_a_labelled_search_box(client):
    content = client.get("/").content.decode()
    assert (
        '<form class="site-search" role="search" aria-label="Tìm trên trang" method="get" action="/search/">' in content
    )
    assert '<label for="site-search-q" class="visually-hidden">' in content
    assert 'id="site-search-q" name="q"' in content


def test_the_search_box_keeps_the_query(client, newsroom):
    content = search(client, q='hai "duong"').content.decode()
    assert 'value="hai &quot;duong&quot;"' in content


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Suwom", "Thành phố Suwon"), ("Hai Duog", "Hải Dương tiếp đoàn Suwon"), ("Pusam", "Thành phố Busan")],
)
def test_misspellings_still_find_titles_and_names(client, newsroom, query, expected):
    # PostgreSQL by trigram similarity, other databases by respelling the words after place and partner names.
    assert expected in titles(search(client, q=query))


def test_an_unknown_word_finds_nothing_rather_than_anything(client, newsroom):
    content = search(client, q="xyzzyq").content.decode()
    assert "Không tìm thấy kết quả nào" in content


@pytest.fixture
def seeded():
    call_command("load_fixtures", verbosity=0)


@pytest.mark.parametrize(
    ("query", "partner"),
    [("Pusan", "Thành phố Busan"), ("부산", "Thành phố Busan"), ("수원", "Thành phố Suwon"), ("KOICA", "KOICA")],
)
def test_the_seeded_partners_answer_to_their_other_names(client, seeded, query, partner):
    response = search(client, q=query)
    assert titles(response)[0] == partner
    assert response.context["results"].counts["article"] >= 1


@pytest.mark.parametrize(
    ("query", "province"),
    [("하이즈엉", "Hải Dương"), ("꽝찌", "Quảng Trị"), ("Saigon", "Hồ Chí Minh"), ("Ho Chi Minh City", "Hồ Chí Minh")],
)
def test_the_place_names_fixture_adds_other_names_of_provinces(client, seeded, query, province):
    assert [p.name for p in search(client, q=query).context["results"].provinces] == [province]


@pytest.mark.parametrize("query", ["Republic of Korea", "한국", "대한민국", "han quoc"])
def test_the_place_names_fixture_adds_other_names_of_korea(client, seeded, query):
    assert [c.code for c in search(client, q=query).context["results"].countries] == ["KR"]


def test_reloading_the_fixtures_does_not_repeat_other_names(seeded):
    call_command("load_fixtures", force=True, verbosity=0)
    assert Country.objects.get(code="KR").aliases.splitlines().count("한국") == 1


def hits(response) -> list[tuple[str, int]]:
    return [(hit.kind, hit.item.pk) for hit in response.context["results"].hits]


def test_pages_of_mixed_kinds_follow_one_ranking(client, settings):
    korea = make_country("KR")
    make_partner("Suwon", country=korea)
    make_partner("Thành phố kết nghĩa", country=korea, aliases="Suwon")
    for number in range(4):
        make_article(f"Suwon {number}", published_at=timezone.now() - datetime.timedelta(hours=number + 1))
        make_article(f"Tin {number}", body="Đoàn Suwon.", published_at=timezone.now() - datetime.timedelta(days=number))
        make_event(f"Suwon sự kiện {number}", start_date=datetime.date(2025, 8, number + 1))
        make_event(f"Sự kiện {number}", description="Đoàn Suwon.", start_date=datetime.date(2025, 9, number + 1))
    settings.NEWSROOM_PAGE_SIZE = 100
    whole = hits(search(client, q="suwon"))
    assert len(whole) == 18
    settings.NEWSROOM_PAGE_SIZE = 4
    paged = [hit for number in range(1, 6) for hit in hits(search(client, q="suwon", page=number))]
    assert paged == whole
    search(client, status=404, q="suwon", page=6)
    for number in ("0", "-1", "1.5", "9" * 30):
        search(client, status=404, q="suwon", page=number)


def test_an_edited_title_is_found_by_its_new_words_only(client):
    article = make_article("Tin Suwon", body="Nội dung.")
    article.title = "Tin Busan"
    article.save()
    assert titles(search(client, q="busan")) == ["Tin Busan"]
    assert titles(search(client, q="suwon")) == []


def test_partners_narrowed_by_province_are_counted_as_shown(client, newsroom):
    results = search(client, q="thanh pho", province="hai-duong").context["results"]
    assert results.counts["partner"] == 1
    assert [hit.item.name for hit in results.hits if hit.kind == "partner"] == ["Thành phố Suwon"]


def test_postgresql_stores_the_vector_it_ranks_by():
    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL keeps a stored vector; other databases match the folded columns.")
    article = make_article("Tin Suwon", lead="", body="Đoàn Hải Dương.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM newsroom_article WHERE id = %s", [article.pk])
        assert cursor.fetchone()[0] == "'doan':3B 'duong':5B 'hai':4B 'suwon':2A 'tin':1A"
