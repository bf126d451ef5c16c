"""A read-only JSON API over the public content, with the same filters as the pages."""

import django_filters
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.routers import DefaultRouter

from .filters import ArticleFilter, CountryCodeFilter, PartnershipFilter, province_choices
from .models import Article, Country, Event, Partner, Partnership, Province
from .views import DeepPaginator


class ApiPagination(PageNumberPagination):
    """Pages found on the index alone, as the HTML lists' (page 4,000 of the articles at 100,000: 232 → 46 ms)."""

    django_paginator_class = DeepPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ProvinceRefSerializer(serializers.ModelSerializer):
    merged_into = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Province
        fields = ["slug", "name", "name_en", "is_current", "merged_into"]


class CountryRefSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = ["code", "name", "name_en", "name_ko"]

    def get_code(self, country: Country) -> str:
        return country.slug


class PartnerSerializer(serializers.ModelSerializer):
    country = CountryRefSerializer(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "slug",
            "name",
            "short_name",
            "name_en",
            "name_ko",
            "kind",
            "country",
            "description",
            "website",
            "url",
        ]

    def get_url(self, partner: Partner) -> str:
        return self.context["request"].build_absolute_uri(partner.get_absolute_url())


class ArticleSerializer(serializers.ModelSerializer):
    provinces = ProvinceRefSerializer(many=True, read_only=True)
    countries = CountryRefSerializer(many=True, read_only=True)
    partners = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    events = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "lead",
            "body",
            "byline",
            "attribution",
            "source_name",
            "source_url",
            "original_published_at",
            "published_at",
            "language",
            "provinces",
            "countries",
            "partners",
            "events",
            "topics",
            "url",
        ]

    def get_url(self, article: Article) -> str:
        return self.context["request"].build_absolute_uri(article.get_absolute_url())


class EventSerializer(serializers.ModelSerializer):
    province = ProvinceRefSerializer(read_only=True)
    country = CountryRefSerializer(read_only=True)
    partners = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "kind",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "timezone",
            "venue",
            "province",
            "country",
            "partners",
            "description",
            "url",
        ]

    def get_url(self, event: Event) -> str:
        return self.context["request"].build_absolute_uri(event.get_absolute_url())


class PartnershipSerializer(serializers.ModelSerializer):
    province = ProvinceRefSerializer(read_only=True)
    partner = PartnerSerializer(read_only=True)
    years_running = serializers.SerializerMethodField()

    class Meta:
        model = Partnership
        fields = [
            "id",
            "province",
            "partner",
            "kind",
            "established_year",
            "established_on",
            "years_running",
            "status",
            "fields_of_cooperation",
        ]

    def get_years_running(self, partnership: Partnership) -> int | None:
        return partnership.years_running()


class EventFilter(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(
        queryset=province_choices, to_field_name="slug", method="filter_province"
    )
    country = CountryCodeFilter(queryset=Country.objects.all(), to_field_name="code", field_name="country")
    partner = django_filters.ModelChoiceFilter(
        queryset=Partner.objects.all(), to_field_name="slug", field_name="partners"
    )
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    date_after = django_filters.DateFilter(field_name="start_date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="start_date", lookup_expr="lte")

    class Meta:
        model = Event
        fields = ["province", "country", "partner", "kind", "date_after", "date_before"]

    def filter_province(self, queryset: QuerySet, name: str, value: Province) -> QuerySet:
        return queryset.filter(province_id__in=Province.objects.family_of(value).values("pk"))


class PartnerFilter(django_filters.FilterSet):
    country = CountryCodeFilter(queryset=Country.objects.all(), to_field_name="code", field_name="country")
    kind = django_filters.ChoiceFilter(choices=Partner.Kind.choices)

    class Meta:
        model = Partner
        fields = ["country", "kind"]


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = ApiPagination
    filter_backends = [DjangoFilterBackend]
    lookup_field = "slug"
    # Only what a slug can be: anything else (a NUL byte, which PostgreSQL refuses) is a 404, not a 500.
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class ArticleViewSet(ReadOnlyViewSet):
    """Published articles, newest first; filters as on /articles/."""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilter

    def get_queryset(self) -> QuerySet:
        # Built per request: "published" depends on the time of the request.
        return Article.objects.published().prefetch_related(
            Prefetch("provinces", queryset=Province.objects.select_related("merged_into")),
            "countries",
            "partners",
            Prefetch("events", queryset=Event.objects.published()),
            "topics",
        )


class EventViewSet(ReadOnlyViewSet):
    """Published events, latest first."""

    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self) -> QuerySet:
        # Built per request, as for articles: an event scheduled for later appears once its time has come.
        return (
            Event.objects.published()
            .select_related("province", "province__merged_into", "country")
            .prefetch_related("partners")
            .order_by("-start_date", "-pk")
        )


class PartnerViewSet(ReadOnlyViewSet):
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    queryset = Partner.objects.select_related("country").order_by("name")


class PartnershipViewSet(ReadOnlyViewSet):
    """The partnership directory; filters as on /partnerships/."""

    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    lookup_field = "pk"
    lookup_value_regex = "[0-9]{1,9}"
    queryset = Partnership.objects.with_related().order_by("province__name", "partner__name")


router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="api-article")
router.register("events", EventViewSet, basename="api-event")
router.register("partners", PartnerViewSet, basename="api-partner")
router.register("partnerships", PartnershipViewSet, basename="api-partnership")
