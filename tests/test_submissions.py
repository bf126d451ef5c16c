"""The public submission form at /submit/: defences, checks, receipts, and nothing saved half-way."""

import datetime
import html
import unicodedata

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from newsroom.forms import tidy
from newsroom.images import MEGABYTE
from newsroom.models import Submission, SubmissionImage

from .factories import HOSTILE, image_bytes, image_upload, make_country, make_province, make_user

pytestmark = pytest.mark.django_db

URL = "/submit/"


@pytest.fixture
def data():
    return {
        "name": "Nguyễn Thị Hoa",
        "email": "hoa@example.test",
        "organisation": "Hội hữu nghị Việt – Hàn tỉnh Thử",
        "kind": "news",
        "title": "Đoàn Suwon thăm tỉnh Thử",
        "text": "Sáng nay đoàn đại biểu đến thăm.\n\nHai bên trao đổi về hợp tác giáo dục.",
        "consent": "on",
    }


def media_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_form_page_has_labelled_fields_csrf_token_and_one_h1(client):
    page = client.get(URL).content.decode()
    assert page.count("<h1") == 1
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'enctype="multipart/form-data"' in page
    for field in ["name", "email", "organisation", "title", "text", "province", "country", "event_date", "images"]:
        assert f'for="id_{field}"' in page and f'id="id_{field}"' in page


def test_province_choices_name_the_unit_a_merged_province_joined(client):
    unit = make_province("Hải Phòng")
    make_province("Hải Dương", merged_into=unit)
    assert "Hải Dương (nay thuộc Hải Phòng)" in client.get(URL).content.decode()


def test_a_refused_submission_keeps_the_province_and_country_chosen(client, data):
    province = make_province("Hải Phòng")
    country = make_country("KR")
    data.update(province=province.pk, country=country.pk, consent="")
    page = client.post(URL, data).content.decode()
    assert f'<option value="{province.pk}" selected>Hải Phòng</option>' in page
    assert f'<option value="{country.pk}" selected>Hàn Quốc</option>' in page
    assert Submission.objects.count() == 0


def test_valid_submission_is_saved_pending_and_redirects_to_thanks(client, data):
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == "/submit/thanks/"
    submission = Submission.objects.get()
    assert (submission.status, submission.title, submission.email) == ("pending", data["title"], data["email"])
    assert submission.consented_at is not None


def test_thanks_page_says_a_receipt_was_sent(client):
    page = client.get("/submit/thanks/").content.decode()
    assert "Cảm ơn bạn đã gửi bài" in page and "giấy báo nhận" in page


def test_sender_gets_a_receipt_with_the_reference(client, data):
    client.post(URL, data)
    submission = Submission.objects.get()
    receipt = next(message for message in mail.outbox if message.to == [data["email"]])
    assert submission.reference in receipt.subject
    assert data["title"] in receipt.body


def test_administrators_are_told_of_a_new_submission(client, data, roles):
    make_user("Administrators", email="bien-tap@example.test")
    make_user("Editors", email="phong-vien@example.test")
    client.post(URL, data)
    notice = next(message for message in mail.outbox if message.to != [data["email"]])
    assert notice.to == ["bien-tap@example.test"]
    assert f"/admin/newsroom/submission/{Submission.objects.get().pk}/change/" in notice.body


def test_images_are_saved_under_random_names_with_their_original_names_kept(client, data, media_root):
    data["images"] = [image_upload("ảnh 1.jpg"), image_upload("hai.png", "PNG"), image_upload("ba.webp", "WEBP")]
    client.post(URL, data)
    pictures = list(SubmissionImage.objects.order_by("position"))
    assert [picture.original_name for picture in pictures] == ["ảnh 1.jpg", "hai.png", "ba.webp"]
    assert [picture.file.name.rsplit(".", 1)[1] for picture in pictures] == ["jpg", "png", "webp"]
    assert all(picture.file.name.startswith("submissions/") for picture in pictures)
    assert len(media_files(media_root)) == 3


def test_event_submission_requires_a_date(client, data):
    data["kind"] = "event"
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Hãy cho biết ngày diễn ra sự kiện." in response.content.decode()
    assert not Submission.objects.exists()


def test_event_submission_with_date_keeps_date_province_and_country(client, data):
    province, korea = make_province("Bắc Ninh"), make_country("KR")
    data.update(kind="event", event_date="2025-10-02", province=province.pk, country=korea.pk)
    client.post(URL, data)
    submission = Submission.objects.get()
    assert (submission.event_date, submission.province, submission.country) == (
        datetime.date(2025, 10, 2),
        province,
        korea,
    )


def test_missing_consent_is_refused_with_a_reason(client, data):
    del data["consent"]
    page = client.post(URL, data).content.decode()
    assert "Cần có sự đồng ý của bạn" in page
    assert 'aria-describedby="id_consent_error"' in page and 'id="id_consent_error"' in page
    assert not Submission.objects.exists()


def test_field_errors_are_tied_to_their_fields(client, data):
    data["email"] = "không-phải-thư"
    page = client.post(URL, data).content.decode()
    assert 'id="id_email_error"' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_email_helptext id_email_error"' in page


def test_overlong_values_are_refused(client, data):
    data.update(title="T" * 201, text="x" * 20_001, name="N" * 151)
    page = client.post(URL, data).content.decode()
    assert page.count('class="errorlist"') >= 3
    assert not Submission.objects.exists()


def test_posting_without_a_csrf_token_is_refused(data):
    response = Client(enforce_csrf_checks=True).post(URL, data)
    assert response.status_code == 403
    assert "Phiên gửi đã hết hạn" in response.content.decode()
    assert not Submission.objects.exists()


def test_filled_honeypot_looks_like_success_but_saves_and_sends_nothing(client, data):
    data["website"] = "http://spam.example.test"
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == "/submit/thanks/"
    assert not Submission.objects.exists()
    assert mail.outbox == []


def test_too_many_posts_from_one_address_get_a_429_page(client, data, settings):
    settings.NEWSROOM_SUBMISSION_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(URL, data).status_code == 302
    response = client.post(URL, data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Bạn đã gửi quá nhiều lần" in response.content.decode()
    assert Submission.objects.count() == 2


def test_rate_limit_is_per_address(client, data, settings):
    settings.NEWSROOM_SUBMISSION_RATE_LIMIT = 1
    assert client.post(URL, data, REMOTE_ADDR="198.51.100.1").status_code == 302
    assert client.post(URL, data, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert client.post(URL, data, REMOTE_ADDR="198.51.100.1").status_code == 429


def test_reading_the_form_does_not_count_against_the_limit(client, settings):
    settings.NEWSROOM_SUBMISSION_RATE_LIMIT = 1
    for _ in range(3):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (lambda: image_upload("dong.gif", "GIF"), "chỉ nhận JPEG, PNG, WEBP"),
        (lambda: image_upload("gia.jpg", "BMP"), "chỉ nhận JPEG, PNG, WEBP"),
        (lambda: SimpleUploadedFile("script.jpg", b"<script>alert(1)</script>"), "không phải là ảnh hợp lệ"),
        (lambda: SimpleUploadedFile("cut.png", image_bytes("PNG", (300, 300))[:500]), "đã bị hỏng"),
        (lambda: SimpleUploadedFile("rong.jpg", b""), "Tập tin được gửi là rỗng"),
    ],
    ids=["gif", "bmp", "text-named-jpg", "truncated-png", "empty"],
)
def test_bad_upload_saves_nothing_and_says_why(client, data, media_root, upload, reason):
    data["images"] = [image_upload("tot.jpg"), upload()]
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert reason in page
    assert not Submission.objects.exists() and not SubmissionImage.objects.exists()
    assert media_files(media_root) == []
    assert mail.outbox == []


def test_oversized_upload_saves_nothing_and_says_why(client, data, media_root):
    picture = image_bytes("JPEG")
    data["images"] = [SimpleUploadedFile("lon.jpg", picture + b"\0" * (10 * MEGABYTE + 1 - len(picture)))]
    page = client.post(URL, data).content.decode()
    assert "Ảnh “lon.jpg”: Ảnh quá lớn: tối đa 10 MB." in page
    assert not Submission.objects.exists()
    assert media_files(media_root) == []


def test_more_than_five_images_are_refused(client, data, media_root):
    data["images"] = [image_upload(f"anh-{number}.jpg") for number in range(6)]
    page = client.post(URL, data).content.decode()
    assert "Bạn chọn 6 ảnh; chỉ gửi được tối đa 5 ảnh." in page
    assert not Submission.objects.exists()
    assert media_files(media_root) == []


def test_refused_form_asks_to_choose_the_pictures_again(client, data):
    data.update(images=[image_upload("tot.jpg")], email="sai")
    assert "hãy chọn lại ảnh" in client.post(URL, data).content.decode()


def test_failure_while_saving_removes_the_files_already_written(client, data, media_root, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(SubmissionImage, "save", broken_save)
    data["images"] = [image_upload("tot.jpg")]
    with pytest.raises(RuntimeError):
        client.post(URL, data)
    assert not Submission.objects.exists()
    assert media_files(media_root) == []


def test_hostile_text_is_stored_as_text_and_shown_escaped_when_refused(client, data):
    data.update(title=HOSTILE, email="sai")
    page = client.post(URL, data).content.decode()
    assert "<script>alert" not in page
    assert f'value="{html.escape(HOSTILE)}"' in page


def test_hostile_text_is_kept_verbatim_apart_from_normalisation(client, data):
    data.update(title=HOSTILE, text=HOSTILE + "\n\n" + HOSTILE, organisation=HOSTILE, name=HOSTILE)
    client.post(URL, data)
    submission = Submission.objects.get()
    assert submission.title == unicodedata.normalize("NFC", HOSTILE)
    assert submission.text == unicodedata.normalize("NFC", HOSTILE + "\n\n" + HOSTILE)


def test_tidy_composes_vietnamese_and_drops_control_characters():
    decomposed = unicodedata.normalize("NFD", "Hải Dương")
    assert tidy(f"{decomposed}\x0b\x1b[31m\r\ntiếp\tđoàn") == "Hải Dương[31m\ntiếp\tđoàn"


def test_tidy_single_line_cannot_split_an_email_header():
    assert tidy("Tiêu đề\r\nBcc: ai@example.test", single_line=True) == "Tiêu đề Bcc: ai@example.test"


def test_implausible_event_date_is_refused(client, data):
    data.update(kind="event", event_date="1800-01-01")
    assert "Ngày diễn ra không hợp lý" in client.post(URL, data).content.decode()


def test_mail_server_failure_does_not_lose_the_submission(client, data, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    response = client.post(URL, data)
    assert response.status_code == 302
    assert Submission.objects.count() == 1
