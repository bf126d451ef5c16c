"""The admin as a superuser sees it: every changelist, search, filter and form opens and saves."""

import pytest
from django.contrib import admin
from django.urls import reverse

from newsroom.models import Article, Status

from .admin_forms import admin_form_data
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

MODELS = ["province", "country", "topic", "image", "partner", "partnership", "event", "article"]
# Submissions come only from the public form; their admin is tested in tests/test_moderation.py.
QUEUE_MODELS = ["submission"]


@pytest.fixture
def content():
    korea = make_country()
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    partner = make_partner("Suwon", country=korea)
    partnership = make_partnership(old, partner)
    event = make_event("Tiếp đoàn Suwon", province=old, country=korea)
    image = make_image()
    topic = make_topic("Hợp tác")
    article = make_article(
        "Hải Dương đón đoàn Suwon",
        provinces=[old],
        countries=[korea],
        partners=[partner],
        events=[event],
        topics=[topic],
        cover_image=image,
    )
    article.placements.create(image=image, position=0)
    return {
        "province": old,
        "country": korea,
        "topic": topic,
        "image": image,
        "partner": partner,
        "partnership": partnership,
        "event": event,
        "article": article,
    }


def test_every_model_is_registered():
    registered = {model._meta.model_name for model in admin.site._registry if model._meta.app_label == "newsroom"}
    assert registered == {*MODELS, *QUEUE_MODELS}


@pytest.mark.parametrize("model", MODELS)
def test_changelist_lists_records(admin_client, content, model):
    response = admin_client.get(reverse(f"admin:newsroom_{model}_changelist"))
    assert response.status_code == 200
    assert str(content[model])[:40] in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_answers(admin_client, content, model):
    response = admin_client.get(reverse(f"admin:newsroom_{model}_changelist"), {"q": "Suwon"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_change_form_opens(admin_client, content, model):
    response = admin_client.get(reverse(f"admin:newsroom_{model}_change", args=[content[model].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_form_opens(admin_client, model):
    assert admin_client.get(reverse(f"admin:newsroom_{model}_add")).status_code == 200


def test_article_changelist_filters_by_status_and_province(admin_client, content):
    make_article("Bản nháp khác", status=Status.DRAFT)
    url = reverse("admin:newsroom_article_changelist")
    drafts = admin_client.get(url, {"status__exact": "draft"}).content.decode()
    by_province = admin_client.get(url, {"provinces__id__exact": content["province"].pk}).content.decode()
    assert "Bản nháp khác" in drafts and "Hải Dương đón đoàn Suwon" not in drafts
    assert "Hải Dương đón đoàn Suwon" in by_province and "Bản nháp khác" not in by_province


def test_article_change_form_saves_edits(admin_client, content):
    article = content["article"]
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "title_vi": "Tiêu đề đã sửa",
            "slug": article.slug,
            "body_vi": article.body,
            "status": Status.PUBLISHED,
            "language": "vi",
            "published_at_0": "2025-08-13",
            "published_at_1": "18:47:00",
            "original_published_at_0": "",
            "original_published_at_1": "",
            "provinces": [content["province"].pk],
            "countries": [content["country"].pk],
            "partners": [content["partner"].pk],
            "events": [content["event"].pk],
            "topics": [content["topic"].pk],
            "cover_image": content["image"].pk,
            "placements-TOTAL_FORMS": "0",
            "placements-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Tiêu đề đã sửa"
    assert article.placements.count() == 1


def test_publish_action_publishes_and_dates_drafts(admin_client, content):
    draft = make_article("Bản nháp", status=Status.DRAFT, published_at=None)
    admin_client.post(
        reverse("admin:newsroom_article_changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None


def test_archive_action_keeps_the_record(admin_client, content):
    article = content["article"]
    admin_client.post(
        reverse("admin:newsroom_article_changelist"), {"action": "archive", "_selected_action": [article.pk]}
    )
    assert Article.objects.get(pk=article.pk).status == Status.ARCHIVED


def test_province_changelist_links_to_the_unit_it_merged_into(admin_client, content):
    page = admin_client.get(reverse("admin:newsroom_province_changelist")).content.decode()
    unit = content["province"].merged_into
    assert reverse("admin:newsroom_province_change", args=[unit.pk]) in page


def test_autocomplete_finds_provinces_for_articles(admin_client, content):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Hải", "app_label": "newsroom", "model_name": "article", "field_name": "provinces"},
    )
    names = [result["text"] for result in response.json()["results"]]
    assert "Hải Dương" in names and "Hải Phòng" in names


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:newsroom_article_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def autocomplete(admin_client, model_name: str, field_name: str, term: str) -> list[str]:
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "newsroom", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("term", ["Pusan", "pusan", "부산", "Busan", "busan metropolitan", "thanh pho busan"])
def test_autocomplete_finds_a_partner_by_any_of_its_names(admin_client, term):
    make_partner("Thành phố Busan", name_en="Busan Metropolitan City", name_ko="부산광역시", aliases="Pusan\n부산")
    assert autocomplete(admin_client, "partnership", "partner", term) == ["Thành phố Busan"]


@pytest.mark.parametrize("term", ["hai duong", "HAI DUONG", "Hải Dương", "하이즈엉"])
def test_autocomplete_finds_a_province_with_or_without_diacritics(admin_client, term):
    make_province("Hải Dương", aliases="하이즈엉")
    make_province("Hải Phòng")
    assert autocomplete(admin_client, "partnership", "province", term) == ["Hải Dương"]


@pytest.mark.parametrize("term", ["han quoc", "Republic of Korea", "한국", "south korea"])
def test_autocomplete_finds_a_country_by_any_of_its_names(admin_client, term):
    make_country("KR", aliases="Republic of Korea\n한국")
    make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    assert autocomplete(admin_client, "partner", "country", term) == ["Hàn Quốc"]


def test_changelist_search_ignores_diacritics(admin_client):
    make_article("Đoàn Đà Nẵng thăm Busan")
    page = admin_client.get(reverse("admin:newsroom_article_changelist"), {"q": "doan da nang"}).content.decode()
    assert "Đoàn Đà Nẵng thăm Busan" in page


def changelist_titles(admin_client, query: str) -> list[str]:
    response = admin_client.get(reverse("admin:newsroom_article_changelist"), {"q": query})
    return sorted(article.title for article in response.context["cl"].result_list)


def test_changelist_search_finds_words_of_the_text_inside_titles_and_in_the_credits(admin_client):
    make_article("Đoàn Đà Nẵng thăm Busan", body="Hội thảo về cảng biển.", status=Status.DRAFT)
    make_article("Tin Quảng Trị", byline="Nguyễn Văn An", source_name="Báo Quảng Trị")
    make_article("Tin khác")
    assert changelist_titles(admin_client, "hoi thao") == ["Đoàn Đà Nẵng thăm Busan"]
    assert changelist_titles(admin_client, "usan") == ["Đoàn Đà Nẵng thăm Busan"]
    assert changelist_titles(admin_client, "Nguyễn Văn") == ["Tin Quảng Trị"]
    assert changelist_titles(admin_client, "Báo Quảng") == ["Tin Quảng Trị"]
    assert changelist_titles(admin_client, '"Văn An" "Báo Quảng"') == ["Tin Quảng Trị"]
    assert changelist_titles(admin_client, "thảo khác") == []
    for wildcard in ("_", "%", "\\"):  # taken literally, as Django's own search takes them
        assert changelist_titles(admin_client, wildcard) == []


def test_changelist_place_filters_offer_only_places_that_tag_an_article(admin_client):
    korea = make_country("KR")
    make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    hai_phong = make_province("Hải Phòng")
    make_province("Quảng Trị")
    make_article("Tin Hải Phòng", provinces=[hai_phong], countries=[korea], status=Status.DRAFT)
    response = admin_client.get(reverse("admin:newsroom_article_changelist"))
    offered = {
        spec.title: [choice["display"] for choice in spec.choices(response.context["cl"])][1:]
        for spec in response.context["cl"].filter_specs
        if spec.field_path in ("provinces", "countries")
    }
    assert list(offered.values()) == [["Hải Phòng", "-"], ["Hàn Quốc", "-"]]  # "-": those with none


@pytest.mark.parametrize(("zone", "saved"), [("Asia/Seoul", True), ("GMT+9", False)])
def test_event_form_takes_only_an_iana_time_zone(admin_client, content, zone, saved):
    event = content["event"]
    url = reverse("admin:newsroom_event_change", args=[event.pk])
    data = admin_form_data(admin_client.get(url))
    data.update({"timezone": zone, "start_time": "10:00"})
    response = admin_client.post(url, data)
    event.refresh_from_db()
    assert (response.status_code == 302) is saved
    assert (event.timezone == zone) is saved
    if not saved:
        assert "không phải múi giờ IANA" in response.content.decode()


def test_partnership_form_refuses_a_year_that_contradicts_the_day(admin_client, content):
    partnership = content["partnership"]
    url = reverse("admin:newsroom_partnership_change", args=[partnership.pk])
    data = admin_form_data(admin_client.get(url))
    data.update({"established_year": "1995", "established_on": "1996-05-01"})
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Năm thiết lập phải trùng với năm của ngày thiết lập." in response.content.decode()
