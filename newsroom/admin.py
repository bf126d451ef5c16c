"""The editors' desk: every model editable, with the columns, filters and links daily work needs.

Articles, events, partners and partnerships keep every saved version (django-reversion): the history page
compares versions (django-reversion-compare), restores any of them, and "recover deleted" brings back
deleted records.
"""

from typing import Any

import reversion
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal
from modeltranslation.admin import TranslationAdmin
from reversion_compare.admin import CompareVersionAdmin

from . import moderation, search
from .admin_images import ImageAdminBase, thumbnail
from .folding import words
from .forms import PublicationForm, RejectionForm
from .models import (
    Article,
    ArticleImage,
    Correction,
    Country,
    Event,
    Image,
    Partner,
    Partnership,
    Province,
    Status,
    Submission,
    SubmissionDecision,
    SubmissionImage,
    SubmissionQuerySet,
    Topic,
    publication_time,
)
from .roles import ADMINISTRATORS

admin.site.site_header = "Tòa soạn hợp tác địa phương"
admin.site.site_title = "Quản trị tòa soạn"
admin.site.index_title = "Quản lý nội dung"


def admin_link(obj: object, label: str | None = None) -> str:
    """A link to an object's change page, so editors can move between related records."""
    if obj is None:
        return "—"
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def search_bits(search_term: str) -> list[str]:
    """The bits Django's admin search matches one by one: words, or "quoted phrases"."""
    return [
        unescape_string_literal(bit) if bit.startswith(('"', "'")) and bit[0] == bit[-1] else bit
        for bit in smart_split(search_term)
    ]


class FoldedSearchMixin:
    """Admin search and autocomplete that also match the folded columns: "hai duong" finds "Hải Dương",
    "pusan" finds Busan by its other names, whatever the case or the diacritics typed.

    On PostgreSQL a table of many rows (``indexed_search``) is searched through its indexes instead: the stored
    full-text vector (every word at the start of a word, as on the site) and the trigram index of its titles
    (every word anywhere in a title), with Django's own search kept for the few short fields outside the folded
    text (``unfolded_search_fields``). Django's search read every article's body in three languages four times
    per search (the list, its count and the date hierarchy's two): 4.2 s at 100,000 articles."""

    indexed_search = False
    unfolded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        terms = words(search_term)
        if self.indexed_search and terms and connection.vendor == "postgresql":
            found = search.edited_ids(self.model, terms, search_bits(search_term), self.unfolded_search_fields)
            return queryset.filter(pk__in=RawSQL(*found)), False
        matched, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not terms:
            return matched, may_have_duplicates
        condition = Q()
        for term in terms:
            condition &= Q(search_title__contains=term) | Q(search_body__contains=term)
        return queryset.filter(Q(pk__in=matched.values("pk")) | condition), may_have_duplicates


class TaggingOnlyFieldListFilter(admin.RelatedFieldListFilter):
    """The tags of a many-to-many field (an article's provinces, countries) that tag at least one record, found by
    one probe of the links' index per tag: Django's RelatedOnlyFieldListFilter joins every record with its links,
    50 ms per filter on each changelist at 100,000 articles."""

    def field_choices(self, field: models.Field, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        links = field.remote_field.through.objects.filter(**{field.m2m_reverse_field_name(): OuterRef("pk")})
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=Q(Exists(links)), ordering=ordering)


class HistoryAdmin(CompareVersionAdmin):
    """Every save through the admin becomes a revision naming who, when and what changed."""

    history_latest_first = True


class PublicationAdmin(TranslationAdmin, HistoryAdmin):
    """Articles and events: the publication cycle as list actions, and no lost updates in the form."""

    form = PublicationForm
    actions = ["submit_for_review", "publish", "archive", "unpublish"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> type[Form]:
        form = super().get_form(request, obj, change=change, **kwargs)
        # Restoring a revision saves an old version on purpose; the history keeps the one it replaces.
        form.check_edit_token = getattr(request.resolver_match, "url_name", None) not in {
            f"{self.opts.app_label}_{self.opts.model_name}_revision",
            f"{self.opts.app_label}_{self.opts.model_name}_recover",
        }
        return form

    def move(self, request: HttpRequest, queryset: QuerySet, status: str, done: str) -> None:
        """Save each item (not a bulk update) so that each gets a revision; publishing without a time means now."""
        count = 0
        for item in queryset:
            item.status = status
            item.published_at = publication_time(status, item.published_at)
            item.save()
            count += 1
        reversion.set_comment(f"{done} (thao tác trên danh sách)")
        self.message_user(request, f"{done}: {count} mục.", messages.SUCCESS)

    @admin.action(description="Chuyển sang chờ duyệt", permissions=["change"])
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.move(request, queryset, Status.REVIEW, "Đã chuyển sang chờ duyệt")

    @admin.action(description="Xuất bản (giữ giờ hẹn nếu có)", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.move(request, queryset, Status.PUBLISHED, "Đã xuất bản")

    @admin.action(description="Lưu trữ (gỡ khỏi trang, giữ bản ghi)", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.move(request, queryset, Status.ARCHIVED, "Đã lưu trữ")

    @admin.action(description="Gỡ xuống, đưa về bản nháp", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.move(request, queryset, Status.DRAFT, "Đã đưa về bản nháp")

    @admin.display(description="trên trang")
    def public_state(self, obj: Article | Event) -> str:
        if obj.is_published():
            return "Đang hiện"
        if obj.status == Status.PUBLISHED:
            return format_html("Hẹn giờ {}", timezone.localtime(obj.published_at).strftime("%H:%M %d/%m/%Y"))
        return "Không hiện"

    @admin.display(description="từ bài gửi")
    def submission_link(self, obj: Article | Event) -> str:
        submission = getattr(obj, "submission", None) if obj.pk else None
        return admin_link(submission, submission.reference) if submission else "—"


@admin.register(Province)
class ProvinceAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "full_name", "legacy_code", "code", "kind", "is_current", "merged_into_link"]
    list_filter = ["is_current", "kind", ("merged_into", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "full_name", "name_en", "slug", "aliases", "legacy_code", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["merged_into"]
    list_select_related = ["merged_into"]

    @admin.display(description="sáp nhập vào", ordering="merged_into__name")
    def merged_into_link(self, obj: Province) -> str:
        return admin_link(obj.merged_into)


@admin.register(Country)
class CountryAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "code", "name_en", "name_ko", "partner_count"]
    search_fields = ["name", "name_en", "name_ko", "code", "aliases"]
    # Explicit, because the count annotation makes the model's default ordering drop out of grouped queries.
    ordering = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(partner_total=Count("partners"))

    @admin.display(description="số đối tác", ordering="partner_total")
    def partner_count(self, obj: Country) -> int:
        return obj.partner_total


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(ImageAdminBase):
    list_display = ["thumbnail", "__str__", "credit", "has_file", "width", "height", "created_at"]
    list_filter = [("file", admin.EmptyFieldListFilter)]
    search_fields = ["caption", "alt_text", "credit", "=sha256"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "renditions", "width", "height", "file_size", "sha256", "created_at"]
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt_text", "caption", "credit"]}),
        ("Tệp và các bản cỡ nhỏ", {"fields": ["renditions", ("width", "height"), "file_size", "sha256", "created_at"]}),
    ]

    @admin.display(description="có tệp", boolean=True)
    def has_file(self, obj: Image) -> bool:
        return bool(obj.file)


@admin.register(Partner)
class PartnerAdmin(FoldedSearchMixin, TranslationAdmin, HistoryAdmin):
    list_display = ["logo_thumbnail", "name", "short_name", "kind", "country", "partnership_count"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "short_name", "name_en", "name_ko", "aliases"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "logo"]
    list_select_related = ["country", "logo"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(partnership_total=Count("partnerships"))

    @admin.display(description="logo")
    def logo_thumbnail(self, obj: Partner) -> str:
        return thumbnail(obj.logo)

    @admin.display(description="số quan hệ hợp tác", ordering="partnership_total")
    def partnership_count(self, obj: Partner) -> int:
        return obj.partnership_total


@admin.register(Partnership)
class PartnershipAdmin(TranslationAdmin, HistoryAdmin):
    list_display = ["__str__", "province_link", "partner_link", "kind", "established_year", "status"]
    list_filter = ["kind", "status", ("province", admin.RelatedOnlyFieldListFilter), "partner__country"]
    search_fields = ["province__name", "partner__name", "partner__name_en", "fields_of_cooperation"]
    autocomplete_fields = ["province", "partner", "articles"]
    list_select_related = ["province", "partner"]

    @admin.display(description="tỉnh, thành phố", ordering="province__name")
    def province_link(self, obj: Partnership) -> str:
        return admin_link(obj.province)

    @admin.display(description="đối tác", ordering="partner__name")
    def partner_link(self, obj: Partnership) -> str:
        return admin_link(obj.partner)


@admin.register(Event)
class EventAdmin(FoldedSearchMixin, PublicationAdmin):
    list_display = ["image_thumbnail", "title", "kind", "status", "public_state", "start_date", "province", "country"]
    list_filter = ["status", "kind", ("province", admin.RelatedOnlyFieldListFilter), "country"]
    search_fields = ["title", "venue", "description"]
    indexed_search = True
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["province", "country", "partners", "image"]
    list_select_related = ["province", "country", "image"]
    readonly_fields = ["submission_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "description", "edit_token"]}),
        ("Xuất bản", {"fields": ["status", "published_at", "submission_link"]}),
        ("Thời gian", {"fields": [("start_date", "start_time"), ("end_date", "end_time"), "timezone"]}),
        ("Địa điểm và đối tác", {"fields": ["venue", "province", "country", "partners", "image"]}),
    ]

    @admin.display(description="ảnh")
    def image_thumbnail(self, obj: Event) -> str:
        return thumbnail(obj.image)


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image_thumbnail", "image", "position", "caption_override"]
    readonly_fields = ["image_thumbnail"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("image")

    @admin.display(description="ảnh")
    def image_thumbnail(self, obj: ArticleImage) -> str:
        return thumbnail(obj.image if obj.pk else None)


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["noted_at", "text"]


@admin.register(Article)
class ArticleAdmin(FoldedSearchMixin, PublicationAdmin):
    list_display = [
        "cover_thumbnail",
        "title",
        "status",
        "public_state",
        "published_at",
        "source_name",
        "province_list",
    ]
    list_filter = [
        "status",
        "language",
        ("provinces", TaggingOnlyFieldListFilter),
        ("countries", TaggingOnlyFieldListFilter),
        "topics",
        "published_at",
    ]
    search_fields = ["title", "lead", "body", "byline", "source_name"]
    indexed_search = True
    unfolded_search_fields = ("byline", "source_name")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provinces", "countries", "partners", "events", "topics", "cover_image"]
    inlines = [ArticleImageInline, CorrectionInline]
    readonly_fields = ["submission_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "language", "edit_token"]}),
        ("Xuất bản", {"fields": ["status", "published_at", "submission_link"]}),
        ("Nguồn", {"fields": ["byline", "attribution", "source_name", "source_url", "original_published_at"]}),
        ("Phân loại", {"fields": ["provinces", "countries", "partners", "events", "topics", "cover_image"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("cover_image", "submission").prefetch_related("provinces")

    @admin.display(description="ảnh")
    def cover_thumbnail(self, obj: Article) -> str:
        return thumbnail(obj.cover_image)

    @admin.display(description="tỉnh, thành phố")
    def province_list(self, obj: Article) -> str:
        return format_html_join(", ", "{}", ((province.name,) for province in obj.provinces.all())) or "—"


class ReadOnlyInline(admin.TabularInline):
    """What a submission arrived with, and the decisions on it: shown, never edited, added or removed here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubmissionImageInline(ReadOnlyInline):
    model = SubmissionImage
    fields = ["preview", "original_name", "width", "height"]

    @admin.display(description="ảnh")
    def preview(self, obj: SubmissionImage) -> str:
        return format_html(
            '<a href="{url}"><img src="{url}" alt="{name}" class="submission-preview"></a>',
            url=obj.file.url,
            name=str(obj),
        )


class SubmissionDecisionInline(ReadOnlyInline):
    model = SubmissionDecision
    fields = ["decided_at", "status", "decided_by", "reason"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The moderation queue: pending first, then the most urgent and the oldest."""

    class Media:
        # A stylesheet rather than style attributes: the Content-Security-Policy allows no inline style.
        css = {"all": ["css/admin.css"]}

    list_display = ["title", "kind", "status", "priority", "province", "country", "assignee", "created_at"]
    list_filter = [
        "status",
        "kind",
        "priority",
        ("province", admin.RelatedOnlyFieldListFilter),
        ("country", admin.RelatedOnlyFieldListFilter),
        ("assignee", admin.RelatedOnlyFieldListFilter),
    ]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["title", "text", "name", "email", "organisation"]
    list_select_related = ["province", "country", "assignee"]
    date_hierarchy = "created_at"
    inlines = [SubmissionImageInline, SubmissionDecisionInline]
    actions = ["approve", "reject", "mark_spam", "reopen", "assign_to_me"]
    readonly_fields = [
        "name",
        "email",
        "organisation",
        "kind",
        "title",
        "text",
        "province",
        "country",
        "event_date",
        "consented_at",
        "created_at",
        "status",
        "result_link",
    ]
    fieldsets = [
        ("Xử lý", {"fields": ["status", "assignee", "priority", "result_link"]}),
        ("Người gửi", {"fields": ["name", "email", "organisation", "consented_at", "created_at"]}),
        ("Nội dung", {"fields": ["kind", "title", "text", "province", "country", "event_date"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_ordering(self, request: HttpRequest) -> list:
        return SubmissionQuerySet.queue_ordering()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assignee":
            kwargs["queryset"] = User.objects.filter(
                models.Q(groups__name=ADMINISTRATORS) | models.Q(is_superuser=True), is_active=True, is_staff=True
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {"pending_count": Submission.objects.pending().count(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="kết quả")
    def result_link(self, obj: Submission) -> str:
        return admin_link(obj.article or obj.event) if (obj.article_id or obj.event_id) else "—"

    def decide(self, request: HttpRequest, queryset: QuerySet, decision: Any, done: str) -> None:
        """Apply a decision to each selected submission; the ones another moderator already decided are skipped."""
        count, skipped = 0, []
        for submission in queryset:
            try:
                decision(submission)
            except moderation.StatusConflict:
                skipped.append(submission.reference)
            else:
                count += 1
        self.message_user(request, f"{done}: {count} bài gửi.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Bỏ qua vì trạng thái không phù hợp: {', '.join(skipped)}.", messages.WARNING)

    @admin.action(description="Duyệt: tạo bản nháp bài viết hoặc sự kiện", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, lambda item: moderation.approve(item, request.user), "Đã duyệt, tạo bản nháp")

    @admin.action(description="Từ chối (kèm lý do, báo cho người gửi)", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self.decide(request, queryset, lambda item: moderation.reject(item, request.user, reason), "Đã từ chối")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Từ chối bài gửi",
            "opts": self.opts,
            "submissions": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/newsroom/submission/reject.html", context)

    @admin.action(description="Đánh dấu là thư rác", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, lambda item: moderation.mark_spam(item, request.user), "Đã đánh dấu thư rác")

    @admin.action(description="Đưa bài bị từ chối hoặc thư rác về hàng chờ", permissions=["change"])
    def reopen(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.decide(request, queryset, lambda item: moderation.reopen(item, request.user), "Đã đưa về hàng chờ")

    @admin.action(description="Giao cho tôi", permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(assignee=request.user)
        self.message_user(request, f"Đã nhận phụ trách {count} bài gửi.", messages.SUCCESS)


admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    """Administrators manage accounts, but only a superuser can make superusers or touch one."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)
