"""The editors' desk: every model editable, with the columns, filters and links daily work needs."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .admin_images import ImageAdminBase, thumbnail
from .models import (
    Article,
    ArticleImage,
    Country,
    Event,
    Image,
    Partner,
    Partnership,
    Province,
    Status,
    Topic,
)

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


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
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
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_en", "name_ko", "partner_count"]
    search_fields = ["name", "name_en", "name_ko", "code"]

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
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["logo_thumbnail", "name", "short_name", "kind", "country", "partnership_count"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "short_name", "name_en", "name_ko", "aliases"]
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
class PartnershipAdmin(admin.ModelAdmin):
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
class EventAdmin(admin.ModelAdmin):
    list_display = ["image_thumbnail", "title", "kind", "status", "start_date", "province", "country"]
    list_filter = ["status", "kind", ("province", admin.RelatedOnlyFieldListFilter), "country"]
    search_fields = ["title", "venue", "description"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["province", "country", "partners", "image"]
    list_select_related = ["province", "country", "image"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "description"]}),
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


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["cover_thumbnail", "title", "status", "published_at", "source_name", "province_list"]
    list_filter = [
        "status",
        "language",
        ("provinces", admin.RelatedOnlyFieldListFilter),
        ("countries", admin.RelatedOnlyFieldListFilter),
        "topics",
        "published_at",
    ]
    search_fields = ["title", "lead", "body", "byline", "source_name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provinces", "countries", "partners", "events", "topics", "cover_image"]
    inlines = [ArticleImageInline]
    actions = ["publish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "language"]}),
        ("Xuất bản", {"fields": ["status", "published_at"]}),
        ("Nguồn", {"fields": ["byline", "attribution", "source_name", "source_url", "original_published_at"]}),
        ("Phân loại", {"fields": ["provinces", "countries", "partners", "events", "topics", "cover_image"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("cover_image").prefetch_related("provinces")

    @admin.display(description="ảnh")
    def cover_thumbnail(self, obj: Article) -> str:
        return thumbnail(obj.cover_image)

    @admin.display(description="tỉnh, thành phố")
    def province_list(self, obj: Article) -> str:
        return format_html_join(", ", "{}", ((province.name,) for province in obj.provinces.all())) or "—"

    @admin.action(description="Xuất bản các bài đã chọn")
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        undated = queryset.filter(published_at__isnull=True).update(published_at=timezone.now())
        count = queryset.update(status=Status.PUBLISHED)
        self.message_user(request, f"Đã xuất bản {count} bài ({undated} bài lấy giờ hiện tại).")

    @admin.action(description="Lưu trữ các bài đã chọn")
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(status=Status.ARCHIVED)
        self.message_user(request, f"Đã lưu trữ {count} bài.")
