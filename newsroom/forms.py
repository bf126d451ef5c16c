"""Forms: the public submission form, the moderators' rejection form, and the editors' admin forms."""

import datetime
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from . import search
from .filters import CountryCodeField, FacetChoices, FacetSelect, row_name
from .images import MEGABYTE, VerifiedImage, verify_image
from .models import (
    Article,
    ArticleTally,
    Country,
    Event,
    Partner,
    Province,
    Submission,
    publication_time,
)

SUBMISSION_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
SUBMISSION_MAX_BYTES = 10 * MEGABYTE
SUBMISSION_MAX_IMAGES = 5
SUBMISSION_MAX_TEXT = 20_000


def tidy(text: str, *, single_line: bool = False) -> str:
    """NFC-normalise (Vietnamese typed on some systems arrives decomposed) and drop control characters.

    Control characters other than line breaks and tabs cannot appear in XML (feeds, sitemaps) and
    have no business in a news story; a single-line value also loses its line breaks, so that it can
    never split an e-mail header.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(char for char in text if char in "\n\t" or unicodedata.category(char) != "Cc")
    if single_line:
        return " ".join(text.split())
    return text.replace("\r\n", "\n").strip()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, as Django's documentation shows; each is checked like a single FileField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        clean_one = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [clean_one(item, initial) for item in files if item]


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Province) -> str:
        if obj.merged_into_id:
            return gettext("%(name)s (nay thuộc %(unit)s)") % {"name": obj, "unit": obj.merged_into}
        return str(obj)


class SubmissionForm(forms.ModelForm):
    """What a reader or a partner sends; every value is plain text, checked and bounded before anything is saved."""

    text = forms.CharField(
        label=_("Nội dung"),
        max_length=SUBMISSION_MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Văn bản thuần, tối đa 20.000 ký tự; các đoạn cách nhau bởi một dòng trống. "
            "Thẻ HTML sẽ hiện nguyên văn, không được thực thi."
        ),
    )
    province = ProvinceChoiceField(
        label=_("Tỉnh, thành phố"),
        queryset=Province.objects.select_related("merged_into").order_by("name"),
        required=False,
        empty_label=_("— Chọn tỉnh, thành phố —"),
        widget=FacetSelect,
    )
    country = forms.ModelChoiceField(
        label=_("Quốc gia đối tác"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("— Chọn quốc gia —"),
        widget=FacetSelect,
    )
    images = MultipleFileField(
        label=_("Ảnh kèm theo"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("Tối đa 5 ảnh JPEG, PNG hoặc WebP, mỗi ảnh không quá 10 MB."),
    )
    consent = forms.BooleanField(
        label=_(
            "Tôi là tác giả hoặc được phép gửi nội dung và ảnh này, và đồng ý để tòa soạn biên tập, "
            "đăng kèm tên tôi hoặc tên tổ chức của tôi."
        ),
        error_messages={"required": _("Cần có sự đồng ý của bạn thì tòa soạn mới đăng được.")},
    )
    # A field people never see; software that fills in every field fills it in too.
    website = forms.CharField(
        label=_("Bỏ trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Submission
        fields = ["name", "email", "organisation", "kind", "title", "text", "province", "country", "event_date"]
        labels = {
            "name": _("Họ và tên"),
            "email": _("Thư điện tử"),
            "organisation": _("Cơ quan, tổ chức (nếu có)"),
            "kind": _("Bạn gửi"),
            "title": _("Tiêu đề"),
            "event_date": _("Ngày diễn ra sự kiện"),
        }
        help_texts = {
            "email": _("Tòa soạn gửi giấy báo nhận và kết quả duyệt về địa chỉ này; không đăng công khai."),
            "event_date": _("Bắt buộc khi gửi sự kiện."),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "event_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.verified_images: list[tuple[UploadedFile, VerifiedImage]] = []

    def clean_name(self) -> str:
        return tidy(self.cleaned_data["name"], single_line=True)

    def clean_organisation(self) -> str:
        return tidy(self.cleaned_data["organisation"], single_line=True)

    def clean_title(self) -> str:
        return tidy(self.cleaned_data["title"], single_line=True)

    def clean_text(self) -> str:
        text = tidy(self.cleaned_data["text"])
        if not text:
            raise ValidationError(_("Hãy viết nội dung bài gửi."), code="required")
        return text

    def clean_event_date(self) -> datetime.date | None:
        day = self.cleaned_data["event_date"]
        today = timezone.localdate()
        if day and not datetime.date(1945, 1, 1) <= day <= today.replace(year=today.year + 5):
            raise ValidationError(_("Ngày diễn ra không hợp lý; hãy kiểm tra lại năm."), code="implausible")
        return day

    def clean_images(self) -> list[UploadedFile]:
        """Open every picture with Pillow; the reasons name each refused file so the sender can fix it."""
        uploads = self.cleaned_data["images"]
        if len(uploads) > SUBMISSION_MAX_IMAGES:
            raise ValidationError(
                _("Bạn chọn %(count)d ảnh; chỉ gửi được tối đa %(limit)d ảnh."),
                code="too_many",
                params={"count": len(uploads), "limit": SUBMISSION_MAX_IMAGES},
            )
        errors = []
        for upload in uploads:
            try:
                verified = verify_image(upload, formats=SUBMISSION_FORMATS, max_bytes=SUBMISSION_MAX_BYTES)
            except ValidationError as error:
                errors.append(
                    ValidationError(
                        _("Ảnh “%(name)s”: %(reason)s"),
                        code=error.code,
                        params={"name": upload.name, "reason": " ".join(error.messages)},
                    )
                )
            else:
                self.verified_images.append((upload, verified))
        if errors:
            self.verified_images = []
            raise ValidationError(errors)
        return uploads

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == Submission.Kind.EVENT and not cleaned.get("event_date"):
            self.add_error("event_date", ValidationError(_("Hãy cho biết ngày diễn ra sự kiện."), code="required"))
        return cleaned

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do từ chối"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Lý do được gửi nguyên văn cho người gửi qua thư điện tử."),
    )


def describe_last_change(instance: Article | Event) -> str:
    """Who saved this record last and when, from its history, for the refusal message."""
    version = Version.objects.get_for_object(instance).select_related("revision__user").first()
    if version is None:
        return "Một người khác đã lưu bản ghi này"
    user = version.revision.user
    who = (user.get_full_name() or user.get_username()) if user else "Một người khác"
    when = date_format(timezone.localtime(version.revision.date_created), "H:i d/m/Y")
    return f"{who} đã lưu bản ghi này lúc {when}"


class PublicationForm(forms.ModelForm):
    """The admin form of an article or an event.

    It refuses to save over changes someone else saved after it was opened: the token is the record's
    ``updated_at`` when the form was drawn, checked under a row lock when it comes back. A refused form
    keeps the editor's text on screen and carries the new token, so saving again is a deliberate choice
    made after reading the other version (which the history keeps either way). Publishing without a time
    means publishing now.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    check_edit_token = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["edit_token"] = self.instance.updated_at.isoformat()

    def saved_token(self) -> str:
        with transaction.atomic():
            saved = (
                type(self.instance)
                ._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
        return saved.isoformat() if saved else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and self.check_edit_token:
            saved = self.saved_token()
            if cleaned.get("edit_token") != saved:
                self.data = self.data.copy()
                self.data[self.add_prefix("edit_token")] = saved
                raise ValidationError(
                    "%(change)s, sau khi bạn mở trang này. Thay đổi của bạn CHƯA được lưu, để không ghi đè lên "
                    "bản của họ; nội dung bạn đã nhập vẫn còn nguyên trong biểu mẫu dưới đây. Hãy xem bản của họ "
                    "ở mục “Lịch sử” (mở trong thẻ khác), gộp lại nếu cần, rồi bấm Lưu lần nữa.",
                    code="conflict",
                    params={"change": describe_last_change(self.instance)},
                )
        if "status" in cleaned:
            cleaned["published_at"] = publication_time(cleaned["status"], cleaned.get("published_at"))
        return cleaned


class QueryField(forms.CharField):
    """Cleans before validating, so that a NUL byte or a very long text is trimmed rather than refused."""

    def to_python(self, value: Any) -> str:
        return search.clean_query(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(label=_("Từ khóa"), required=False, widget=forms.SearchInput)
    type = forms.ChoiceField(
        label=_("Loại"), choices=[("", _("Tất cả")), *search.Kind.choices], required=False, widget=FacetSelect
    )
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"),
        queryset=Province.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    country = CountryCodeField(
        label=_("Quốc gia"),
        # The stored tallies name the countries of published articles: no join over every article's countries
        # with DISTINCT (2.4 s at 100,000 articles).
        queryset=Country.objects.filter(
            Q(pk__in=ArticleTally.objects.filter(facet="country").values("key"))
            | Exists(Partner.objects.filter(country_id=OuterRef("pk")))
        ),
        to_field_name="code",
        required=False,
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Drawn from plain rows in Python, as the filters of /articles/ are: about a hundred options.
        for name in ("province", "country"):
            field = self.fields[name]
            field.widget.choices = FacetChoices(field, f"search-{name}", row_name)

    def run(self, page_number: Any, per_page: int) -> search.Results:
        data = self.cleaned_data
        kinds = [data["type"]] if data["type"] else list(search.Kind)
        narrowing = search.Narrowing(province=data["province"], country=data["country"])
        return search.search(data["q"], kinds, narrowing, page_number, per_page)
