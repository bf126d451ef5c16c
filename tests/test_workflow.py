"""The editorial cycle: statuses, scheduling, staff previews, history and restore, no lost updates, corrections."""

import datetime
import html

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from newsroom.models import Article, ArticleImage, Correction, Event, Partner, Partnership, Status

from .admin_forms import admin_form_data
from .factories import (
    HOSTILE,
    make_article,
    make_event,
    make_image,
    make_partner,
    make_partnership,
    make_province,
    make_user,
)

pytestmark = pytest.mark.django_db

LATER = timezone.now() + datetime.timedelta(days=2)


@pytest.fixture
def editor(roles):
    return make_user("Editors", first_name="Lan", last_name="Trần")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:newsroom_{obj._meta.model_name}_change", args=[obj.pk])


# Fields with English and Korean versions: the admin form names the Vietnamese one <field>_vi.
TRANSLATED = {"title", "lead", "body", "description", "venue", "fields_of_cooperation"}


def edit(client, obj, **changes):
    """Open the admin change page, change some fields as a person would (in Vietnamese), and save."""
    data = admin_form_data(client.get(change_url(obj)))
    data.update({f"{name}_vi" if name in TRANSLATED else name: value for name, value in changes.items()})
    return client.post(change_url(obj), data)


def run_action(client, model: str, action: str, items) -> None:
    client.post(
        reverse(f"admin:newsroom_{model}_changelist"), {"action": action, "_selected_action": [i.pk for i in items]}
    )


# The cycle


@pytest.mark.parametrize(
    ("action", "status"),
    [("submit_for_review", Status.REVIEW), ("publish", Status.PUBLISHED), ("archive", Status.ARCHIVED)],
)
@pytest.mark.parametrize("model", ["article", "event"])
def test_list_actions_move_items_through_the_cycle(editor_client, model, action, status):
    item = make_article(status=Status.DRAFT) if model == "article" else make_event(status=Status.DRAFT)
    run_action(editor_client, model, action, [item])
    item.refresh_from_db()
    assert item.status == status


def test_unpublishing_keeps_the_record_as_a_draft(editor_client):
    article = make_article()
    run_action(editor_client, "article", "unpublish", [article])
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.body == "Đoạn thứ nhất.\n\nĐoạn thứ hai."


def test_publish_action_keeps_a_scheduled_time(editor_client):
    article = make_article(status=Status.REVIEW, published_at=LATER)
    run_action(editor_client, "article", "publish", [article])
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == LATER


def test_publishing_in_the_form_without_a_time_means_now(editor_client):
    article = make_article(status=Status.DRAFT, published_at=None)
    response = edit(editor_client, article, status=Status.PUBLISHED, published_at_0="", published_at_1="")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published()


def test_list_actions_leave_a_revision_per_item(editor_client, editor):
    articles = [make_article(status=Status.DRAFT), make_article(status=Status.DRAFT)]
    run_action(editor_client, "article", "publish", articles)
    for article in articles:
        version = Version.objects.get_for_object(article).get()
        assert version.revision.user == editor and "Đã xuất bản" in version.revision.comment


# Scheduling without cron


def test_scheduled_article_appears_on_its_own_at_its_time(client):
    article = make_article("Bài hẹn giờ", published_at=LATER)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Bài hẹn giờ" not in client.get("/articles/").content.decode()
    with time_machine.travel(LATER + datetime.timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert "Bài hẹn giờ" in client.get("/articles/").content.decode()


def test_scheduled_event_appears_on_its_own_at_its_time(client):
    day = timezone.localdate() + datetime.timedelta(days=30)
    event = make_event("Sự kiện hẹn giờ", start_date=day, published_at=LATER)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "Sự kiện hẹn giờ" not in client.get("/events/").content.decode()
    assert "Sự kiện hẹn giờ" not in client.get("/").content.decode()
    with time_machine.travel(LATER + datetime.timedelta(minutes=1)):
        assert "Sự kiện hẹn giờ" in client.get("/events/").content.decode()
        assert client.get(event.get_absolute_url()).status_code == 200


def test_published_event_without_a_time_shows_at_once(client):
    assert client.get(make_event(published_at=None).get_absolute_url()).status_code == 200


def test_event_is_published_matches_the_public_queryset():
    now = make_event(published_at=None)
    later = make_event(published_at=LATER)
    draft = make_event(status=Status.DRAFT)
    assert [now.is_published(), later.is_published(), draft.is_published()] == [True, False, False]
    assert list(Event.objects.published()) == [now]


# Staff previews


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_unpublished_article_is_a_404_for_the_public(client, status):
    assert client.get(make_article(status=status).get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_editor_previews_an_unpublished_article_at_its_public_address(editor_client, status):
    article = make_article("Bản nháp xem trước", status=status)
    response = editor_client.get(article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bản xem trước dành cho biên tập viên" in page and "Bản nháp xem trước" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_preview_of_a_scheduled_article_says_when_it_will_appear(editor_client):
    page = editor_client.get(make_article(published_at=LATER).get_absolute_url()).content.decode()
    assert f"hẹn giờ {timezone.localtime(LATER):%H:%M %d/%m/%Y}" in page


def test_editor_previews_a_draft_event(editor_client):
    page = editor_client.get(make_event(status=Status.DRAFT).get_absolute_url()).content.decode()
    assert "Bản xem trước dành cho biên tập viên" in page


def test_published_article_has_no_preview_notice_for_staff(editor_client):
    page = editor_client.get(make_article().get_absolute_url()).content.decode()
    assert "Bản xem trước" not in page and "noindex" not in page


def test_staff_without_permission_to_view_articles_get_a_404(client, roles):
    client.force_login(make_user())
    assert client.get(make_article(status=Status.DRAFT).get_absolute_url()).status_code == 404


def test_non_staff_user_gets_a_404_even_with_the_permission(client, roles):
    client.force_login(make_user("Editors", is_staff=False))
    assert client.get(make_article(status=Status.DRAFT).get_absolute_url()).status_code == 404


def test_drafts_stay_out_of_lists_for_staff_too(editor_client):
    make_article("Bản nháp ẩn", status=Status.DRAFT)
    assert "Bản nháp ẩn" not in editor_client.get("/articles/").content.decode()


# History and restore


def test_every_admin_save_keeps_a_revision_with_who_and_what(editor_client, editor):
    article = make_article(status=Status.DRAFT)
    edit(editor_client, article, title="Tiêu đề mới", body="Thân bài mới.")
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == editor
    assert "Tiêu đề" in version.revision.comment
    assert version.field_dict["body"] == "Thân bài mới."


@pytest.mark.parametrize("model", ["event", "partner", "partnership"])
def test_events_partners_and_partnerships_keep_revisions_too(editor_client, model):
    item = {
        "event": lambda: make_event(),
        "partner": lambda: make_partner("Suwon"),
        "partnership": lambda: make_partnership(make_province(), make_partner()),
    }[model]()
    field = {"event": "venue", "partner": "description", "partnership": "fields_of_cooperation"}[model]
    assert edit(editor_client, item, **{field: "Giá trị mới"}).status_code == 302
    assert Version.objects.get_for_object(item).get().field_dict[field] == "Giá trị mới"


def test_history_page_lists_versions_with_their_authors(editor_client):
    article = make_article(status=Status.DRAFT)
    edit(editor_client, article, body="Bản một.")
    edit(editor_client, article, body="Bản hai.")
    page = editor_client.get(reverse("admin:newsroom_article_history", args=[article.pk])).content.decode()
    assert page.count("Lan Trần") == 2


def test_compare_view_shows_what_changed(editor_client):
    article = make_article(status=Status.DRAFT)
    edit(editor_client, article, body="Hải Dương đón đoàn Suwon.")
    edit(editor_client, article, body="Hải Dương đón đoàn Busan.")
    first, second = Version.objects.get_for_object(article).order_by("pk")
    page = editor_client.get(
        reverse("admin:newsroom_article_compare", args=[article.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    ).content.decode()
    assert "Hải Dương đón đoàn <del>Suwo</del><ins>Busa</ins>n." in page


def test_restoring_an_old_revision_brings_back_its_text_tags_and_gallery(editor_client):
    province, other = make_province("Hải Dương"), make_province("Lào Cai")
    article = make_article(status=Status.DRAFT, provinces=[province])
    article.placements.create(image=make_image(), position=0)
    edit(editor_client, article, body="Bản gốc.")
    old = Version.objects.get_for_object(article).get()
    data = admin_form_data(editor_client.get(change_url(article)))
    data.update({"body_vi": "Bản sửa sai.", "provinces": [str(other.pk)], "placements-0-DELETE": "on"})
    assert editor_client.post(change_url(article), data).status_code == 302
    assert ArticleImage.objects.count() == 0

    revision_url = reverse("admin:newsroom_article_revision", args=[article.pk, old.pk])
    response = editor_client.post(revision_url, admin_form_data(editor_client.get(revision_url)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Bản gốc."
    assert list(article.provinces.all()) == [province]
    assert article.placements.count() == 1


def test_restoring_is_itself_recorded_in_the_history(editor_client):
    article = make_article(status=Status.DRAFT)
    edit(editor_client, article, body="Một.")
    edit(editor_client, article, body="Hai.")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:newsroom_article_revision", args=[article.pk, first.pk])
    editor_client.post(revision_url, admin_form_data(editor_client.get(revision_url)))
    latest = Version.objects.get_for_object(article).first()
    assert latest.field_dict["body"] == "Một." and "Reverted" in latest.revision.comment
    assert Version.objects.get_for_object(article).count() == 3


def test_deleted_article_can_be_brought_back(roles):
    client = Client()
    client.force_login(make_user("Administrators"))
    article = make_article("Bài bị xóa nhầm", status=Status.DRAFT)
    edit(client, article, body="Nội dung cần giữ.")
    client.post(reverse("admin:newsroom_article_delete", args=[article.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()

    recover_list = client.get(reverse("admin:newsroom_article_recoverlist")).content.decode()
    assert "Bài bị xóa nhầm" in recover_list
    version = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:newsroom_article_recover", args=[version.pk])
    assert client.post(recover_url, admin_form_data(client.get(recover_url))).status_code == 302
    assert Article.objects.get(pk=article.pk).body == "Nội dung cần giữ."


@pytest.mark.parametrize("model", [Partner, Partnership, Event])
def test_other_deleted_records_can_be_listed_for_recovery(model, roles):
    client = Client()
    client.force_login(make_user("Administrators"))
    name = model._meta.model_name
    assert client.get(reverse(f"admin:newsroom_{name}_recoverlist")).status_code == 200


# No lost updates


@pytest.fixture
def two_editors(roles):
    lan, minh = make_user("Editors", first_name="Lan", last_name="Trần"), make_user("Editors", first_name="Minh")
    first, second = Client(), Client()
    first.force_login(lan)
    second.force_login(minh)
    return first, second


@pytest.mark.parametrize("model", ["article", "event"])
def test_second_save_of_the_same_version_is_refused_naming_who_saved_first(two_editors, model):
    first, second = two_editors
    item = make_article(status=Status.DRAFT) if model == "article" else make_event(status=Status.DRAFT)
    text_field = "body_vi" if model == "article" else "description_vi"
    data_first = admin_form_data(first.get(change_url(item)))
    data_second = admin_form_data(second.get(change_url(item)))
    data_first[text_field] = "Bản của Lan."
    assert first.post(change_url(item), data_first).status_code == 302
    data_second[text_field] = "Bản của Minh."
    response = second.post(change_url(item), data_second)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Lan Trần đã lưu bản ghi này lúc" in page and "CHƯA được lưu" in page
    assert "Bản của Minh." in page
    item.refresh_from_db()
    assert getattr(item, text_field) == "Bản của Lan."


def test_saving_again_after_reading_the_refusal_goes_through(two_editors):
    first, second = two_editors
    article = make_article(status=Status.DRAFT)
    data_first = admin_form_data(first.get(change_url(article)))
    data_second = admin_form_data(second.get(change_url(article)))
    first.post(change_url(article), {**data_first, "body_vi": "Bản của Lan."})
    refused = second.post(change_url(article), {**data_second, "body_vi": "Bản của Lan và Minh."})
    assert second.post(change_url(article), admin_form_data(refused)).status_code == 302
    article.refresh_from_db()
    assert article.body == "Bản của Lan và Minh."
    bodies = [version.field_dict["body"] for version in Version.objects.get_for_object(article)]
    assert bodies == ["Bản của Lan và Minh.", "Bản của Lan."]


def test_a_save_made_outside_the_admin_also_counts_as_a_change(editor_client):
    article = make_article(status=Status.DRAFT)
    data = admin_form_data(editor_client.get(change_url(article)))
    Article.objects.get(pk=article.pk).save()
    response = editor_client.post(change_url(article), {**data, "body_vi": "Muộn."})
    assert "Một người khác đã lưu bản ghi này" in response.content.decode()


# Corrections


def test_corrections_appear_dated_on_the_article_page(client):
    article = make_article()
    noted_at = timezone.make_aware(datetime.datetime(2025, 8, 14, 9, 30))
    Correction.objects.create(article=article, text="Đoàn có 12 người, không phải 21.", noted_at=noted_at)
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<h2 id="corrections-heading">Đính chính</h2>' in page
    assert "09:30 14/08/2025</time>: Đoàn có 12 người, không phải 21." in page


def test_article_without_corrections_has_no_correction_section(client):
    assert "Đính chính" not in client.get(make_article().get_absolute_url()).content.decode()


def test_correction_added_in_the_admin_is_kept_in_the_history(editor_client):
    article = make_article()
    edit(
        editor_client,
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-text": "Sửa tên đơn vị.",
            "corrections-0-noted_at_0": "2025-08-14",
            "corrections-0-noted_at_1": "09:30:00",
        },
    )
    assert article.corrections.get().text == "Sửa tên đơn vị."
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.version_set.filter(content_type__model="correction").count() == 1


# Hostile text on the editors' pages and the public ones


@pytest.fixture
def hostile_article():
    article = make_article(HOSTILE, lead=HOSTILE, body=HOSTILE + "\n\n" + "Đ" * 30_000, byline=HOSTILE)
    Correction.objects.create(article=article, text=HOSTILE)
    return article


def assert_escaped(page: str) -> None:
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html.escape('<script>alert("x")</script>') in page


def test_hostile_article_is_escaped_on_its_public_page_and_in_lists(client, hostile_article):
    for path in [hostile_article.get_absolute_url(), "/articles/", "/"]:
        assert_escaped(client.get(path).content.decode())


def test_hostile_article_is_escaped_in_the_admin(editor_client, hostile_article):
    edit(editor_client, hostile_article, body=HOSTILE + " sửa")
    for url in [
        reverse("admin:newsroom_article_changelist"),
        change_url(hostile_article),
        reverse("admin:newsroom_article_history", args=[hostile_article.pk]),
    ]:
        assert_escaped(editor_client.get(url).content.decode())


def test_hostile_text_is_escaped_in_the_compare_view(editor_client):
    article = make_article(status=Status.DRAFT)
    edit(editor_client, article, body="Bình thường.")
    edit(editor_client, article, body=HOSTILE, lead=HOSTILE)  # the body is cleaned on save; the lead is plain text
    first, second = Version.objects.get_for_object(article).order_by("pk")
    page = editor_client.get(
        reverse("admin:newsroom_article_compare", args=[article.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    ).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
