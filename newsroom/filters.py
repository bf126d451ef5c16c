"""The filters readers apply to lists; their URLs can be shared as they are."""

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Article, Country, Partner, Partnership, Province, Topic


class CountryCodeField(forms.ModelChoiceField):
    """Accepts an ISO code in either case and writes it back in lower case, as the country URLs do."""

    def prepare_value(self, value: Any) -> Any:
        prepared = super().prepare_value(value)
        return prepared.lower() if isinstance(prepared, str) else prepared

    def to_python(self, value: Any) -> Model | None:
        return super().to_python(value.upper() if isinstance(value, str) else value)


class CountryCodeFilter(django_filters.ModelChoiceFilter):
    field_class = CountryCodeField


def province_choices(request: Any) -> QuerySet:
    return Province.objects.select_related("merged_into").order_by("name")


# Outside these years no article can have been published; their midnights would not fit a timestamp everywhere.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def tagging(model: type[Model], field: str) -> QuerySet:
    """The rows some article is tagged with: one index probe per row (EXISTS), not a join over every tag."""
    links = getattr(Article, field).through.objects.filter(**{f"{model._meta.model_name}_id": OuterRef("pk")})
    return model.objects.filter(Exists(links))


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Từ khóa", method="filter_text", max_length=200)
    province = django_filters.ModelChoiceFilter(
        label="Tỉnh, thành phố",
        queryset=province_choices,
        to_field_name="slug",
        method="filter_province",
        empty_label="Tất cả",
    )
    country = CountryCodeFilter(
        label="Quốc gia",
        queryset=tagging(Country, "countries"),
        to_field_name="code",
        field_name="countries",
        method="filter_tag",
        empty_label="Tất cả",
    )
    partner = django_filters.ModelChoiceFilter(
        label="Đối tác",
        queryset=tagging(Partner, "partners"),
        to_field_name="slug",
        field_name="partners",
        method="filter_tag",
        empty_label="Tất cả",
    )
    topic = django_filters.ModelChoiceFilter(
        label="Chủ đề",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        field_name="topics",
        method="filter_tag",
        empty_label="Tất cả",
    )
    year = django_filters.NumberFilter(
        label="Năm", field_name="published_at", lookup_expr="year", min_value=1945, max_value=2100
    )
    date_after = django_filters.DateFilter(
        label="Từ ngày", method="filter_date_after", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label="Đến ngày", method="filter_date_before", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Article
        fields = ["q", "province", "country", "partner", "topic", "year", "date_after", "date_before"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = value.split()
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(lead__icontains=word) | Q(body__icontains=word))
        return queryset

    def filter_province(self, queryset: QuerySet, name: str, value: Province) -> QuerySet:
        return queryset.for_province(value)

    def filter_tag(self, queryset: QuerySet, name: str, value: Model) -> QuerySet:
        return queryset.tagged(name, [value.pk])

    # Dates compare as local midnights, not as ``published_at::date``: a plain range on the column uses the index.
    def filter_date_after(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        if value.year < FIRST_YEAR:
            return queryset
        if value.year > LAST_YEAR:
            return queryset.none()
        return queryset.filter(published_at__gte=local_midnight(value))

    def filter_date_before(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        if value.year > LAST_YEAR:
            return queryset
        if value.year < FIRST_YEAR:
            return queryset.none()
        return queryset.filter(published_at__lt=local_midnight(value + datetime.timedelta(days=1)))


class PartnershipFilter(django_filters.FilterSet):
    country = CountryCodeFilter(
        label="Quốc gia",
        queryset=Country.objects.filter(partners__partnerships__isnull=False).distinct(),
        to_field_name="code",
        field_name="partner__country",
        empty_label="Tất cả",
    )
    province = django_filters.ModelChoiceFilter(
        label="Tỉnh, thành phố",
        queryset=province_choices,
        to_field_name="slug",
        method="filter_province",
        empty_label="Tất cả",
    )
    kind = django_filters.ChoiceFilter(label="Loại quan hệ", choices=Partnership.Kind.choices, empty_label="Tất cả")

    class Meta:
        model = Partnership
        fields = ["country", "province", "kind"]

    def filter_province(self, queryset: QuerySet, name: str, value: Province) -> QuerySet:
        return queryset.filter(province_id__in=value.family_ids())
