"""The moderation queue: administrators decide on what the public sent, and every decision is recorded."""

import datetime
import html

import pytest
from django.core import mail
from django.urls import reverse
from reversion.models import Version

from newsroom import moderation
from newsroom.models import Article, Event, Image, Status, Submission, SubmissionImage

from .factories import HOSTILE, image_upload, make_country, make_province, make_submission, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:newsroom_submission_changelist")


@pytest.fixture
def moderator(roles):
    return make_user("Administrators", first_name="Lan", last_name="Trần")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def with_picture(submission: Submission, name: str = "anh.jpg") -> Submission:
    picture = SubmissionImage(submission=submission, original_name=name)
    picture.file.save("image.jpg", image_upload(name), save=True)
    return submission


def act(client, action: str, submissions: list[Submission], follow: bool = False, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in submissions], **extra}
    return client.post(CHANGELIST, data, follow=follow)


def test_queue_lists_pending_first_then_by_priority_then_oldest(moderator_client):
    make_submission("Bài A đã quyết định", status=Submission.State.APPROVED)
    make_submission("Bài B thường")
    make_submission("Bài C khẩn", priority=Submission.Priority.URGENT)
    make_submission("Bài D sau cùng")
    make_submission("Bài E bị loại", status=Submission.State.SPAM)
    page = moderator_client.get(CHANGELIST).content.decode()
    positions = [page.index(title) for title in ["Bài C", "Bài B", "Bài D", "Bài A", "Bài E"]]
    assert positions == sorted(positions)


def test_queue_shows_the_pending_count(moderator_client):
    make_submission()
    make_submission()
    make_submission(status=Submission.State.REJECTED)
    assert "Đang chờ duyệt: 2" in moderator_client.get(CHANGELIST).content.decode()


@pytest.mark.parametrize("field", ["province", "country", "kind", "assignee"])
def test_queue_filters(moderator_client, moderator, field):
    values = {
        "province": (make_province("Quảng Ninh"), make_province("Lào Cai")),
        "country": (make_country("KR"), make_country("JP", name="Nhật Bản")),
        "kind": ("event", "news"),
        "assignee": (moderator, make_user("Administrators")),
    }[field]
    extra = {"event_date": datetime.date(2025, 1, 1)}
    make_submission("Khớp bộ lọc", **{field: values[0]}, **extra)
    make_submission("Không khớp", **{field: values[1]}, **extra)
    parameter = f"{field}__exact" if field == "kind" else f"{field}__id__exact"
    value = values[0] if field == "kind" else values[0].pk
    page = moderator_client.get(CHANGELIST, {parameter: value}).content.decode()
    assert "Khớp bộ lọc" in page and "Không khớp" not in page


def test_approving_news_creates_a_draft_article_with_text_pictures_and_places(moderator_client, moderator):
    province, korea = make_province("Hải Dương"), make_country("KR")
    submission = with_picture(make_submission("Đoàn Suwon thăm Hải Dương", province=province, country=korea))
    act(moderator_client, "approve", [submission])
    submission.refresh_from_db()
    article = submission.article
    assert submission.status == "approved"
    assert (article.status, article.title, article.body) == (Status.DRAFT, submission.title, submission.text)
    assert list(article.provinces.all()) == [province] and list(article.countries.all()) == [korea]
    assert article.cover_image is not None and article.placements.count() == 1
    assert article.cover_image.file.read() == submission.images.get().file.read()
    assert article.cover_image.credit == "Ảnh: Người gửi thử"


def test_approving_an_event_creates_a_draft_event(moderator_client):
    submission = with_picture(make_submission(kind="event", event_date=datetime.date(2025, 10, 2)))
    act(moderator_client, "approve", [submission])
    event = Submission.objects.get(pk=submission.pk).event
    assert (event.status, event.start_date, event.description) == (Status.DRAFT, submission.event_date, submission.text)
    assert event.image is not None


def test_approval_is_recorded_with_who_and_when(moderator_client, moderator):
    submission = make_submission()
    act(moderator_client, "approve", [submission])
    decision = submission.decisions.get()
    assert (decision.status, decision.decided_by) == ("approved", moderator)
    assert decision.decided_at is not None


def test_approval_starts_the_drafts_history_with_the_moderator(moderator):
    submission = make_submission()
    article = moderation.approve(submission, moderator)
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.user == moderator and submission.reference in revision.comment


def test_approval_tells_the_sender(moderator_client):
    submission = make_submission()
    act(moderator_client, "approve", [submission])
    assert [message.to for message in mail.outbox] == [[submission.email]]


def test_draft_article_links_back_to_its_submission(moderator_client):
    submission = make_submission()
    act(moderator_client, "approve", [submission])
    article = Submission.objects.get(pk=submission.pk).article
    page = moderator_client.get(reverse("admin:newsroom_article_change", args=[article.pk])).content.decode()
    assert reverse("admin:newsroom_submission_change", args=[submission.pk]) in page
    assert submission.reference in page


def test_approved_title_gets_a_free_slug(moderator_client):
    Article.objects.create(title="Tin", slug="tin-vui", body="x")
    submission = make_submission("Tin vui")
    act(moderator_client, "approve", [submission])
    assert Submission.objects.get(pk=submission.pk).article.slug == "tin-vui-2"


def test_title_without_letters_gets_a_fallback_slug(moderator):
    submission = make_submission("!!! ???")
    article = moderation.approve(submission, moderator)
    assert article.slug == f"bai-gui-{submission.pk}"


def test_reject_asks_for_a_reason_first(moderator_client):
    submission = make_submission()
    response = act(moderator_client, "reject", [submission])
    assert response.status_code == 200
    assert "Lý do từ chối" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == "pending"


def test_reject_without_a_reason_is_refused(moderator_client):
    submission = make_submission()
    response = act(moderator_client, "reject", [submission], apply="1", reason="")
    assert response.status_code == 200
    assert Submission.objects.get(pk=submission.pk).status == "pending"


def test_reject_records_the_reason_and_emails_it_to_the_sender(moderator_client, moderator):
    submission = make_submission()
    act(moderator_client, "reject", [submission], apply="1", reason="Tin đã đăng ngày 13/8.")
    decision = submission.decisions.get()
    assert (decision.status, decision.reason, decision.decided_by) == ("rejected", "Tin đã đăng ngày 13/8.", moderator)
    assert mail.outbox[0].to == [submission.email]
    assert "Tin đã đăng ngày 13/8." in mail.outbox[0].body


def test_spam_is_kept_and_nobody_is_written_to(moderator_client):
    submission = make_submission()
    act(moderator_client, "mark_spam", [submission])
    assert Submission.objects.get(pk=submission.pk).status == "spam"
    assert mail.outbox == []


def test_decided_submission_is_skipped_not_decided_twice(moderator_client):
    submission = make_submission(status=Submission.State.REJECTED)
    response = act(moderator_client, "approve", [submission], follow=True)
    assert not Article.objects.exists()
    assert submission.reference in response.content.decode()


def test_rejected_submission_can_be_reopened_and_the_trail_keeps_both_steps(moderator_client, moderator):
    submission = make_submission()
    moderation.reject(submission, moderator, "Thiếu nguồn")
    act(moderator_client, "reopen", [submission])
    assert Submission.objects.get(pk=submission.pk).status == "pending"
    assert list(submission.decisions.values_list("status", flat=True)) == ["rejected", "pending"]


def test_approved_submission_cannot_be_reopened(moderator):
    submission = make_submission()
    moderation.approve(submission, moderator)
    with pytest.raises(moderation.StatusConflict):
        moderation.reopen(submission, moderator)


def test_assign_to_me_sets_the_assignee(moderator_client, moderator):
    submission = make_submission()
    act(moderator_client, "assign_to_me", [submission])
    assert Submission.objects.get(pk=submission.pk).assignee == moderator


def test_assignee_and_priority_can_be_set_on_the_submission_page(moderator_client, moderator):
    submission = make_submission()
    url = reverse("admin:newsroom_submission_change", args=[submission.pk])
    response = moderator_client.post(
        url,
        {
            "assignee": moderator.pk,
            "priority": Submission.Priority.HIGH,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.assignee, submission.priority) == (moderator, Submission.Priority.HIGH)


def test_sender_text_is_read_only_in_the_admin(moderator_client):
    submission = make_submission("Nguyên văn")
    url = reverse("admin:newsroom_submission_change", args=[submission.pk])
    moderator_client.post(
        url,
        {
            "title": "Đã sửa",
            "priority": 1,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
            "decisions-TOTAL_FORMS": "0",
            "decisions-INITIAL_FORMS": "0",
        },
    )
    assert Submission.objects.get(pk=submission.pk).title == "Nguyên văn"


def test_nobody_can_add_a_submission_in_the_admin(client, roles):
    client.force_login(make_user(superuser=True))
    assert client.get(reverse("admin:newsroom_submission_add")).status_code == 403


def test_failed_approval_leaves_no_draft_and_no_copied_files(moderator, media_root, monkeypatch):
    submission = with_picture(make_submission())
    files_before = sorted(path for path in media_root.rglob("*") if path.is_file())

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("newsroom.moderation.ArticleImage.objects.bulk_create", broken)
    with pytest.raises(RuntimeError):
        moderation.approve(submission, moderator)
    assert not Article.objects.exists() and not Image.objects.exists()
    assert sorted(path for path in media_root.rglob("*") if path.is_file()) == files_before
    assert Submission.objects.get(pk=submission.pk).status == "pending"


def test_hostile_submission_is_escaped_in_the_queue_and_on_its_page(moderator_client):
    submission = make_submission(HOSTILE, name=HOSTILE, organisation=HOSTILE, text=HOSTILE + "\n\n" + "x" * 20_000)
    for url in [CHANGELIST, reverse("admin:newsroom_submission_change", args=[submission.pk])]:
        page = moderator_client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert html.escape('<script>alert("x")</script>') in page


def test_whole_path_from_public_form_to_published_article(client, roles, media_root):
    province, korea = make_province("Bắc Ninh"), make_country("KR")
    response = client.post(
        "/submit/",
        {
            "name": "Phạm Minh",
            "email": "minh@example.test",
            "kind": "news",
            "title": "Bắc Ninh đón doanh nghiệp Hàn Quốc",
            "text": "Đoạn một của bài.\n\nĐoạn hai của bài.",
            "province": province.pk,
            "country": korea.pk,
            "consent": "on",
            "images": [image_upload("le-don.jpg")],
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()

    client.force_login(make_user("Administrators"))
    act(client, "approve", [submission])
    article = Submission.objects.get(pk=submission.pk).article
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404

    client.force_login(make_user("Editors"))
    client.post(reverse("admin:newsroom_article_changelist"), {"action": "publish", "_selected_action": [article.pk]})
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Bắc Ninh đón doanh nghiệp Hàn Quốc</h1>" in page
    assert "<p>Đoạn một của bài.</p>" in page and "<p>Đoạn hai của bài.</p>" in page
    assert Article.objects.get(pk=article.pk).cover_image.file.url in page
    assert 'href="/provinces/bac-ninh/"' in page and 'href="/countries/kr/"' in page
    assert article.title in client.get("/articles/").content.decode()


def test_approved_event_reaches_the_events_page_once_published(client, roles):
    submission = make_submission("Lễ hội Hàn Quốc", kind="event", event_date=datetime.date(2025, 10, 2))
    client.force_login(make_user("Administrators"))
    act(client, "approve", [submission])
    event = Event.objects.get()
    client.post(reverse("admin:newsroom_event_changelist"), {"action": "publish", "_selected_action": [event.pk]})
    client.logout()
    assert "Lễ hội Hàn Quốc" in client.get(event.get_absolute_url()).content.decode()


def test_hostile_submission_stays_escaped_once_it_is_an_article_and_an_event(client, roles):
    moderator = make_user("Administrators")
    news = make_submission(HOSTILE, name=HOSTILE, organisation=HOSTILE, text=HOSTILE)
    event = make_submission(HOSTILE, kind="event", event_date=datetime.date(2025, 10, 2), text=HOSTILE)
    drafts = [moderation.approve(news, moderator), moderation.approve(event, moderator)]
    client.force_login(moderator)
    pages = [client.get(draft.get_absolute_url()).content.decode() for draft in drafts]
    pages += [
        client.get(reverse(f"admin:newsroom_{d._meta.model_name}_change", args=[d.pk])).content.decode() for d in drafts
    ]
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert html.escape('<script>alert("x")</script>') in page
