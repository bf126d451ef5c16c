"""The filters readers apply to lists; their URLs can be shared as they are."""

import operator
from functools import reduce
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

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


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Từ khóa"), method="filter_text", max_length=200)
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh, thành phố"),
        queryset=province_choices,
        to_field_name="slug",
        method="filter_province",
        empty_label=_("Tất cả"),
    )
    country = CountryCodeFilter(
        label=_("Quốc gia"),
        queryset=Country.objects.filter(articles__isnull=False).distinct(),
        to_field_name="code",
        field_name="countries",
        empty_label=_("Tất cả"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Đối tác"),
        queryset=Partner.objects.filter(articles__isnull=False).distinct(),
        to_field_name="slug",
        field_name="partners",
        empty_label=_("Tất cả"),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Chủ đề"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        field_name="topics",
        empty_label=_("Tất cả"),
    )
    year = django_filters.NumberFilter(
        label=_("Năm"), field_name="published_at", lookup_expr="year", min_value=1945, max_value=2100
    )
    date_after = django_filters.DateFilter(
        label=_("Từ ngày"),
        field_name="published_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_before = django_filters.DateFilter(
        label=_("Đến ngày"),
        field_name="published_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = ["q", "province", "country", "partner", "topic", "year", "date_after", "date_before"]

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word, in any language version: a reader of the English pages still finds the Vietnamese articles."""
        columns = [f"{field}_{code}" for field in ("title", "lead", "body") for code, _name in settings.LANGUAGES]
        for word in value.split():
            queryset = queryset.filter(
                reduce(operator.or_, (Q(**{f"{column}__icontains": word}) for column in columns))
            )
        return queryset

    def filter_province(self, queryset: QuerySet, name: str, value: Province) -> QuerySet:
        return queryset.for_province(value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Tag filters join many-to-many tables; one article must still appear once.
        return super().filter_queryset(queryset).distinct()


class PartnershipFilter(django_filters.FilterSet):
    country = CountryCodeFilter(
        label=_("Quốc gia"),
        queryset=Country.objects.filter(partners__partnerships__isnull=False).distinct(),
        to_field_name="code",
        field_name="partner__country",
        empty_label=_("Tất cả"),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh, thành phố"),
        queryset=province_choices,
        to_field_name="slug",
        method="filter_province",
        empty_label=_("Tất cả"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại quan hệ"), choices=Partnership.Kind.choices, empty_label=_("Tất cả")
    )

    class Meta:
        model = Partnership
        fields = ["country", "province", "kind"]

    def filter_province(self, queryset: QuerySet, name: str, value: Province) -> QuerySet:
        return queryset.filter(province_id__in=value.family_ids())
