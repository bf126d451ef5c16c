"""The filters readers apply to lists; their URLs can be shared as they are."""

import datetime
import html
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, partial
from typing import Any

import django_filters
from django import forms
from django.db import connections
from django.db.models import Count, Exists, F, Model, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from . import search, tallies
from .folding import words
from .models import Article, Country, NamedInLanguages, Partner, Partnership, Province, Topic, name_in_language

# The SQL of each facet's choices (``choice_rows``), by the form and field they are for and by database.
CHOICE_SQL: dict[tuple[str, tuple[str, ...], str], tuple[str, tuple[Any, ...]]] = {}


def choice_rows(key: str, queryset: QuerySet, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """``queryset.values(*fields)``, compiled by Django once per process under ``key``: the querysets of the
    facets hold no value that changes between requests (no time, nothing from the request), and compiling them
    cost more than running them. The fields are ids and text, which no database converts."""
    database = queryset.db
    compiled = CHOICE_SQL.get((key, fields, database))
    if compiled is None:
        compiler = queryset.values(*fields).query.get_compiler(using=database)
        compiled = CHOICE_SQL[key, fields, database] = compiler.as_sql()
    with connections[database].cursor() as cursor:
        cursor.execute(*compiled)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class FacetChoices(ModelChoiceIterator):
    """A facet's choices read as plain rows (key and names), not model instances: building hundreds of instances
    cost more than drawing them. ``key`` names the facet's queryset, whose SQL is compiled once (``choice_rows``).

    With a ``limit``, a facet with more rows than that offers only the ``limit`` with the most articles (given the
    other filters) and the chosen one: a list of 500 partners serves nobody and weighs 40 KB on every page."""

    def __init__(
        self,
        field: forms.ModelChoiceField,
        key: str,
        label: Callable[[dict[str, Any]], str],
        counts: Callable[[], dict[int, int] | None] = lambda: None,
        chosen: Callable[[], Any] = lambda: None,
        limit: int | None = None,
    ) -> None:
        super().__init__(field)
        self.key = key
        self.label = label
        self.counts = counts
        self.chosen = chosen
        self.limit = limit

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name
        model_fields = {field.name for field in self.queryset.model._meta.concrete_fields}
        names = [name for name in NamedInLanguages.NAME_FIELDS if name in model_fields]
        counts = self.counts()
        with_articles = {pk: total for pk, total in (counts or {}).items() if total > 0}
        ranked = sorted(with_articles, key=lambda pk: (-with_articles[pk], pk))
        offered = set(ranked[: self.limit])
        chosen = str(self.chosen() or "")
        rows = choice_rows(self.key, self.queryset, ("pk", key, *names))
        if self.limit and len(rows) > self.limit and counts is not None:
            rows = [row for row in rows if row["pk"] in offered or str(row[key]).lower() == chosen.lower()]
        for row in rows:
            yield (self.field.prepare_value(row[key]), self.label(row))


def row_name(row: dict[str, Any]) -> str:
    """A place's or partner's name in the reader's language, from a row of ``values()``."""
    return name_in_language(lambda field: row.get(field, ""))


class CountryCodeField(forms.ModelChoiceField):
    """Accepts an ISO code in either case and writes it back in lower case, as the country URLs do."""

    def prepare_value(self, value: Any) -> Any:
        prepared = super().prepare_value(value)
        return prepared.lower() if isinstance(prepared, str) else prepared

    def to_python(self, value: Any) -> Model | None:
        return super().to_python(value.upper() if isinstance(value, str) else value)


class FacetSelect(forms.Select):
    """Django's single ``<select>``, drawn in Python instead of through a template per option.

    The facets of /articles/ offer about 650 choices (500 partners at 100,000 articles); Django's widget
    templates cost about 0.1 ms per option, which made the form most of the page's time. The standard library's
    escape is Django's without its check for lazy strings on every call.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        selected = set(self.format_value(value))
        options = []
        for choice_value, label in self.choices:
            text = "" if choice_value is None else str(choice_value)
            is_selected = text in selected
            selected.discard(text)  # as Django's: only the first option with the value is selected
            marker = " selected" if is_selected else ""
            options.append(f'<option value="{html.escape(text)}"{marker}>{html.escape(str(label))}</option>')
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{html.escape(name)}"{attributes}>\n{"\n".join(options)}\n</select>')


class CountryCodeFilter(django_filters.ModelChoiceFilter):
    field_class = CountryCodeField


def province_choices(request: Any) -> QuerySet:
    return Province.objects.select_related("merged_into").order_by("name")


# Facets that offer only their choices with the most articles when they have more than this many.
FACET_LIMITS = {"partner": 50}

# Outside these years no article can have been published; their midnights would not fit a timestamp everywhere.
FIRST_YEAR, LAST_YEAR = 1900, 9000


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def tagging(model: type[Model], field: str) -> QuerySet:
    """The rows some article is tagged with: one index probe per row (EXISTS), not a join over every tag."""
    links = getattr(Article, field).through.objects.filter(**{f"{model._meta.model_name}_id": OuterRef("pk")})
    return model.objects.filter(Exists(links))


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Từ khóa"), method="filter_text", max_length=200)
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh, thành phố"),
        queryset=province_choices,
        to_field_name="slug",
        method="filter_province",
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    country = CountryCodeFilter(
        label=_("Quốc gia"),
        queryset=tagging(Country, "countries"),
        to_field_name="code",
        field_name="countries",
        method="filter_tag",
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Đối tác"),
        queryset=tagging(Partner, "partners"),
        to_field_name="slug",
        field_name="partners",
        method="filter_tag",
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Chủ đề"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        field_name="topics",
        method="filter_tag",
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    year = django_filters.NumberFilter(
        label=_("Năm"), field_name="published_at", lookup_expr="year", min_value=1945, max_value=2100
    )
    date_after = django_filters.DateFilter(
        label=_("Từ ngày"), method="filter_date_after", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label=_("Đến ngày"), method="filter_date_before", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Article
        fields = ["q", "province", "country", "partner", "topic", "year", "date_after", "date_before"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        for name in ("province", "country", "partner", "topic"):
            fields[name].widget.choices = FacetChoices(
                fields[name],
                f"articles-{name}",
                self.facet_label(name),
                counts=partial(self.facet_counts, name),
                chosen=self.form[name].value,
                limit=FACET_LIMITS.get(name),
            )
        # A callable, so that the counts are worked out only when the form is drawn.
        fields["year"].widget = FacetSelect(choices=self.year_choices)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The same matching as /search/: any case, with or without diacritics, place names included. The places
        and partners the words name are read once per request, though each facet's count filters again."""
        terms = words(search.clean_query(value))[: search.MAX_WORDS]
        if not terms:
            return queryset
        if value not in self.text_matches:
            self.text_matches[value] = search.matching_article_ids(terms)
        return queryset.filter(pk__in=RawSQL(*self.text_matches[value]))

    @cached_property
    def text_matches(self) -> dict[str, search.Clause]:
        """The SELECT of the articles a keyword finds, by keyword: made once per request."""
        return {}

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

    def filtered_except(self, facet: str) -> QuerySet:
        """The articles every active filter but ``facet`` lets through: what that facet's choices would narrow.

        Starts from all articles, not the published list: the counts keep to public articles themselves
        (``public_links``), and with no other filter active they then read the tag table once, minus the few
        hidden articles, instead of matching it against every published id.
        """
        queryset = Article.objects.all()
        for name, value in self.form.cleaned_data.items() if self.is_bound else ():
            if name != facet:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def active(self) -> bool:
        """Whether any filter narrows the list (an invalid one counts: it empties the list)."""
        if not self.is_bound:
            return False
        if not self.is_valid():
            return True
        return any(value not in (None, "", [], ()) for value in self.form.cleaned_data.values())

    @cached_property
    def facets(self) -> dict[str, dict[Any, int]]:
        """For each facet, how many articles each choice would give alongside the other active filters.

        One grouped query per facet, run only when the form is shown; nothing when the filters are invalid. With one
        facet chosen alone, the others' counts are stored by that choice (``tallies.filtered_counts``).
        """
        if self.is_bound and not self.is_valid():
            return {}
        if not self.active():
            return unfiltered_facets()
        lone = self.lone_facet()
        if lone is None:
            return self.counted(FACET_COUNTERS)
        facet, key = lone
        # Its own counts are every article's; reading them first also counts in what has fallen due.
        own = unfiltered_facets()[facet]
        others = [name for name in FACET_COUNTERS if name != facet]
        return {facet: own, **tallies.filtered_counts(facet, key, partial(self.counted, others))}

    def counted(self, facets: Iterable[str]) -> dict[str, dict[Any, int]]:
        """These facets' counts given the other active filters; a facet whose own filter is the only one on reads
        the stored tallies of every article."""
        counts, stored = {}, None
        for facet in facets:
            articles = self.filtered_except(facet)
            if articles.query.has_filters():
                counts[facet] = FACET_COUNTERS[facet](articles)
            else:
                stored = stored or unfiltered_facets()
                counts[facet] = stored[facet]
        return counts

    def lone_facet(self) -> tuple[str, int] | None:
        """The facet and key of the only filter on, when it is a facet's: the lists whose counts are stored."""
        chosen = [(name, value) for name, value in self.form.cleaned_data.items() if value not in (None, "")]
        if len(chosen) != 1 or chosen[0][0] not in FACET_COUNTERS:
            return None
        name, value = chosen[0]
        return name, int(value) if name == "year" else value.pk  # a year of 2024.5 is 2024, to the filter too

    def published_count(self) -> int | None:
        """How many published articles the filters keep, from the year facet's counts, which the form shows anyway,
        instead of a COUNT of the same articles: every published article has one year, and the year facet counts
        what the other filters keep in each."""
        if self.is_bound and not self.is_valid():
            return None
        year = self.form.cleaned_data.get("year") if self.is_bound else None
        counts = self.facets["year"]
        return sum(counts.values()) if year is None else counts.get(int(year), 0)

    def year_choices(self) -> list[tuple[Any, str]]:
        """The years that have articles, newest first, with their counts, and the chosen year even without any."""
        counts = self.facets.get("year", {})
        selected = self.form["year"].value()
        years = set(counts) | ({int(selected)} if str(selected or "").isdigit() else set())
        return [("", _("Tất cả")), *((year, f"{year} ({counts.get(year, 0)})") for year in sorted(years, reverse=True))]

    def facet_counts(self, facet: str) -> dict[int, int] | None:
        return self.facets.get(facet)

    def facet_label(self, facet: str) -> Callable[[dict[str, Any]], str]:
        def label(row: dict[str, Any]) -> str:
            name = row_name(row)
            counts = self.facets.get(facet)
            return name if counts is None else f"{name} ({counts.get(row['pk'], 0)})"

        return label


def unfiltered_facets() -> dict[str, dict[Any, int]]:
    """Every facet over all public articles, from the stored tallies in one query. A current unit counts its
    articles with those of the units merged into it (its "unit" tally), an old unit its own."""
    counts = tallies.public_tallies("unit", "province", "country", "partner", "topic", "year")
    return {
        "province": {**counts["province"], **counts["unit"]},
        "country": counts["country"],
        "partner": counts["partner"],
        "topic": counts["topic"],
        "year": counts["year"],
    }


def province_counts(articles: QuerySet) -> dict[int, int]:
    """Per province, in one query: a current unit counts its articles and those of the units merged into it
    (each article once), as its page lists them; an old unit counts its own."""
    through = articles.public_links("provinces")
    units = (
        through.annotate(key=Coalesce("province__merged_into_id", "province_id"))
        .values("key")
        .annotate(total=Count("article_id", distinct=True))
        .order_by()
    )
    old_units = (
        through.filter(province__merged_into__isnull=False)
        .annotate(key=F("province_id"))
        .values("key")
        .annotate(total=Count("article_id", distinct=True))
        .order_by()
    )
    return {row["key"]: row["total"] for row in units.union(old_units, all=True)}


def year_counts(articles: QuerySet) -> dict[int, int]:
    """Published articles per year; unfiltered, an index-only scan of the public order index. Filtered, the
    filters and the published condition on the same rows, so that PostgreSQL can start from the few filtered ids
    rather than match the whole public index against them (a province: 14.5 → 11.5 ms; a search: 45 → 29 ms)."""
    rows = (
        articles.published()
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(total=Count("pk"))
        .order_by()
    )
    return {row["year"]: row["total"] for row in rows}


# How each facet counts the articles of a queryset per choice.
FACET_COUNTERS: dict[str, Callable[[QuerySet], dict[Any, int]]] = {
    "province": province_counts,
    "country": lambda articles: articles.count_by_tag("countries"),
    "partner": lambda articles: articles.count_by_tag("partners"),
    "topic": lambda articles: articles.count_by_tag("topics"),
    "year": year_counts,
}


class PartnershipFilter(django_filters.FilterSet):
    country = CountryCodeFilter(
        label=_("Quốc gia"),
        queryset=Country.objects.filter(partners__partnerships__isnull=False).distinct(),
        to_field_name="code",
        field_name="partner__country",
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Tỉnh, thành phố"),
        queryset=province_choices,
        to_field_name="slug",
        method="filter_province",
        empty_label=_("Tất cả"),
        widget=FacetSelect,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại quan hệ"), choices=Partnership.Kind.choices, empty_label=_("Tất cả"), widget=FacetSelect
    )

    class Meta:
        model = Partnership
        fields = ["country", "province", "kind"]

    def filter_province(self, queryset: QuerySet, name: str, value: Province) -> QuerySet:
        return queryset.filter(province_id__in=Province.objects.family_of(value).values("pk"))
