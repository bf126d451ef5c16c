"""Public pages. Every one reads through the published querysets, or their SQL in reads.py, and runs a fixed number
of queries."""

import math
import re
from typing import Any

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, FormView, ListView, TemplateView

from . import caching, moderation, reads, structured_data, tallies, throttle
from .calendar import build_calendar
from .exports import FORMATS, export_articles, export_partnerships
from .filters import ArticleFilter, PartnershipFilter
from .forms import SearchForm, SubmissionForm
from .models import Article, Country, Event, Partner, Partnership, Province

# How many partners a country's page lists before linking to all of them.
PARTNERS_SHOWN = 24
COUNTRY_CODE = re.compile(r"[A-Za-z]{2}")


def page_size() -> int:
    return settings.NEWSROOM_PAGE_SIZE


class DeepPaginator(Paginator):
    """Finds a page's ids on the index alone, then fetches only those rows ("deferred join").

    Django's paginator asks for ``OFFSET n LIMIT 20`` on the full rows: the database then reads n whole rows from
    the table only to skip them (page 2,000 of the articles: about 250 ms). Skipping over the index (an index-only
    scan) costs a few milliseconds at any depth, and the outer query reads just the 20 rows it shows.
    """

    def __init__(self, *args: Any, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if count is not None:
            self.count = count  # known already: no COUNT query (``count`` is a cached property)

    def page(self, number: int | str) -> Page:
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)  # a list that reads its own windows (reads.PublishedCards)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list.filter(pk__in=self.object_list.values("pk")[bottom:top])
        return self._get_page(rows, number, self)


def paginate(request: HttpRequest, queryset: QuerySet | reads.PublishedCards, per_page: int | None = None) -> Page:
    """The requested page of a list; a page number that is not a page is a 404, never a 500. A list of cards knows
    its length from the stored tallies (``reads.PublishedCards``): no COUNT over every matching article."""
    paginator = DeepPaginator(queryset, per_page or page_size())
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("Trang không tồn tại.")) from error


def published_articles() -> QuerySet:
    return Article.objects.published().for_list()


def published_events() -> QuerySet:
    return Event.objects.published().with_related()


def current_units_with_counts() -> list[Province]:
    """Current provinces, each with its article count and the old units merged into it."""
    counts = tallies.public_tallies("unit", "province")
    unit_counts, own_counts = counts["unit"], counts["province"]
    units: dict[int, Province] = {}
    merged: list[Province] = []
    for province in reads.provinces_by_name():
        province.article_count = own_counts.get(province.pk, 0)
        if province.is_current:
            province.unit_article_count = unit_counts.get(province.pk, 0)
            province.merged_list = []
            units[province.pk] = province
        else:
            merged.append(province)
    for province in merged:
        units[province.merged_into_id].merged_list.append(province)
    return list(units.values())


class HomeView(TemplateView):
    template_name = "newsroom/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["latest_articles"] = reads.published_cards(0, 10)
        context["upcoming_events"] = reads.listed_events("upcoming", limit=5)
        context["recent_events"] = reads.listed_events("past", limit=5)
        context["provinces"] = caching.cached("current-units", current_units_with_counts)
        context["countries"] = caching.cached("countries-with-content", countries_with_content)
        return context


class FilteredListMixin:
    """A list narrowed by a FilterSet: a bad filter value answers 400 with the form's message and no items,
    and ``format=csv`` or ``format=json`` downloads the whole filtered list instead of a page."""

    filterset_class: type
    crumb: str

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def export(self, queryset: QuerySet, export_format: str) -> HttpResponse:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.filterset = self.filterset_class(request.GET or None, queryset=self.base_queryset())
        invalid = self.filterset.is_bound and not self.filterset.is_valid()
        export_format = request.GET.get("format")
        if export_format in FORMATS and not invalid:
            return self.export(self.filterset.qs, export_format)
        response = super().get(request, *args, **kwargs)
        if invalid:
            response.status_code = 400
        return response

    def get_queryset(self) -> QuerySet:
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["breadcrumbs"] = [(None, self.crumb)]
        return context


class ArticleListView(FilteredListMixin, ListView):
    template_name = "newsroom/article_list.html"
    context_object_name = "articles"
    filterset_class = ArticleFilter
    crumb = _("Tin tức")
    paginator_class = DeepPaginator

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return page_size()

    def base_queryset(self) -> QuerySet:
        return published_articles()

    def get_queryset(self) -> QuerySet | reads.PublishedCards:
        """Unfiltered, the published list read a page at a time by SQL written once; its length is the sum of the
        stored yearly tallies the filter form shows anyway."""
        if not self.filterset.active():
            return reads.PublishedCards(self.filterset.published_count())
        return super().get_queryset()

    def get_paginator(self, queryset: QuerySet | reads.PublishedCards, per_page: int, **kwargs: Any) -> Paginator:
        return self.paginator_class(queryset, per_page, count=self.filterset.published_count(), **kwargs)

    def export(self, queryset: QuerySet, export_format: str) -> HttpResponse:
        return export_articles(queryset, self.request, export_format)


class PreviewMixin:
    """For detail views reading through ``visible_to(user)``: an unpublished item reaches the page only as a
    staff preview (everyone else gets the 404 of ``published()``), and a preview must never be cached."""

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published():
            patch_cache_control(response, private=True, no_store=True)
        return response


class ArticleDetailView(PreviewMixin, DetailView):
    template_name = "newsroom/article_detail.html"
    context_object_name = "article"

    def get_queryset(self) -> QuerySet:
        return Article.objects.visible_to(self.request.user).select_related("cover_image")

    def get_object(self, queryset: QuerySet | None = None) -> Article:
        """The published article, read by SQL written once; staff (who may preview drafts) read through the ORM."""
        if self.request.user.is_staff:
            article = super().get_object(queryset)
        elif (article := reads.published_article(self.kwargs["slug"])) is None:
            raise Http404(_("Trang không tồn tại."))
        reads.read_page_relations(article)
        return article

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        article = self.object
        context["gallery"] = [p for p in article.placements.all() if p.image_id != article.cover_image_id]
        context["related_articles"] = related_articles(article)
        context["breadcrumbs"] = [(reverse("newsroom:article-list"), _("Tin tức")), (None, article.title)]
        context["structured_data"] = [structured_data.news_article(article, self.request)]
        return context


def related_articles(article: Article, limit: int = 4) -> QuerySet:
    """Other published stories about the same places or partners, newest first."""
    unit_ids = {p.merged_into_id or p.pk for p in article.provinces.all()}
    family = Province.objects.filter(Q(pk__in=unit_ids) | Q(merged_into__in=unit_ids)).values("pk")
    partner_ids = [p.pk for p in article.partners.all()]
    published = Article.objects.published()
    matching = published.tagged("provinces", family) | published.tagged("partners", partner_ids)
    return matching.exclude(pk=article.pk).for_list()[:limit]


class ProvinceListView(TemplateView):
    template_name = "newsroom/province_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["units"] = caching.cached("current-units", current_units_with_counts)
        context["breadcrumbs"] = [(None, _("Tỉnh, thành phố"))]
        return context


class ProvinceDetailView(DetailView):
    template_name = "newsroom/province_detail.html"
    context_object_name = "province"

    def get_object(self, queryset: QuerySet | None = None) -> Province:
        province = reads.province_with_units(self.kwargs["slug"])
        if province is None:
            raise Http404(_("Trang không tồn tại."))
        return province

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        province = self.object
        family = [province.pk, *(unit.pk for unit in province.merged_units.all())]
        # A unit's articles, its merged units' included, are its "unit" tally; an old unit's, its own.
        facet = "province" if province.merged_into_id else "unit"
        count = tallies.public_tallies(facet)[facet].get(province.pk, 0)
        context["page_obj"] = paginate(self.request, reads.PublishedCards(count, "provinces", family))
        context["partnerships"] = reads.listed_partnerships("province", family)
        context["upcoming_events"] = reads.listed_events("upcoming", "province", family)
        context["past_events"] = reads.listed_events("past", "province", family, limit=10)
        context["breadcrumbs"] = [
            (reverse("newsroom:province-list"), _("Tỉnh, thành phố")),
            (None, province.localized_name),
        ]
        return context


def countries_with_content() -> list[Country]:
    """Countries that published articles, partners or events are about, with their article counts."""
    article_counts = tallies.public_tallies("country")["country"]
    countries = reads.countries_with_content(article_counts)
    for country in countries:
        country.article_count = article_counts.get(country.pk, 0)
    return countries


class CountryListView(TemplateView):
    template_name = "newsroom/country_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["countries"] = caching.cached("countries-with-content", countries_with_content)
        context["breadcrumbs"] = [(None, _("Quốc gia"))]
        return context


class CountryDetailView(TemplateView):
    template_name = "newsroom/country_detail.html"

    def get(self, request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if code != code.lower():
            return HttpResponsePermanentRedirect(request.get_full_path().replace(f"/{code}/", f"/{code.lower()}/", 1))
        if len(code) != 2:
            raise Http404(_("Không có quốc gia này."))
        self.country = reads.country_by_code(code.upper())
        if self.country is None:
            raise Http404(_("Không có quốc gia này."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        country = self.country
        context["country"] = country
        count = tallies.public_tallies("country")["country"].get(country.pk, 0)
        context["page_obj"] = paginate(self.request, reads.PublishedCards(count, "countries", [country.pk]))
        # The first partners by name, then a link to all of them: Korea alone may have hundreds.
        partners = reads.partners_of(country, limit=PARTNERS_SHOWN + 1)
        context["partners"] = partners[:PARTNERS_SHOWN]
        context["more_partners"] = len(partners) > PARTNERS_SHOWN
        context["upcoming_events"] = reads.listed_events("upcoming", "country", [country.pk])
        context["past_events"] = reads.listed_events("past", "country", [country.pk], limit=10)
        context["breadcrumbs"] = [(reverse("newsroom:country-list"), _("Quốc gia")), (None, country.localized_name)]
        return context


class PartnerListView(ListView):
    """All partners grouped by country, or (``?country=kr``) one country's."""

    template_name = "newsroom/partner_list.html"
    context_object_name = "partners"

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return page_size() * 3

    def get_queryset(self) -> QuerySet:
        partners = Partner.objects.select_related("country", "logo").order_by("country__name", "name")
        code = self.request.GET.get("country")
        if code is None:
            return partners
        if not COUNTRY_CODE.fullmatch(code):
            raise Http404(_("Không có quốc gia này."))
        return partners.filter(country=get_object_or_404(Country, code=code.upper()))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(None, _("Đối tác"))]
        return context


class PartnerDetailView(DetailView):
    template_name = "newsroom/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self) -> QuerySet:
        return Partner.objects.select_related("country", "logo")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = self.object
        context["page_obj"] = paginate(self.request, published_articles().tagged("partners", [partner.pk]))
        context["partnerships"] = reads.listed_partnerships("partner", [partner.pk])
        context["events"] = published_events().filter(partners=partner).order_by("-start_date")[:10]
        context["breadcrumbs"] = [(reverse("newsroom:partner-list"), _("Đối tác")), (None, partner.localized_name)]
        context["structured_data"] = [structured_data.organization(partner, self.request)]
        return context


class PartnershipListView(FilteredListMixin, ListView):
    template_name = "newsroom/partnership_list.html"
    context_object_name = "partnerships"
    filterset_class = PartnershipFilter
    crumb = _("Quan hệ hợp tác")

    def get_paginate_by(self, queryset: QuerySet) -> int:
        return page_size() * 3

    def base_queryset(self) -> QuerySet:
        return Partnership.objects.with_related()

    def export(self, queryset: QuerySet, export_format: str) -> HttpResponse:
        return export_partnerships(queryset, self.request, export_format)


class EventListView(TemplateView):
    template_name = "newsroom/event_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["upcoming_events"] = reads.listed_events("upcoming")
        context["page_obj"] = paginate(self.request, published_events().past())
        context["breadcrumbs"] = [(None, _("Sự kiện"))]
        return context


class EventDetailView(PreviewMixin, DetailView):
    template_name = "newsroom/event_detail.html"
    context_object_name = "event"

    def get_queryset(self) -> QuerySet:
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("province", "province__merged_into", "country", "image")
            .prefetch_related(Prefetch("partners", queryset=Partner.objects.select_related("country")))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["articles"] = published_articles().tagged("events", [self.object.pk])
        context["breadcrumbs"] = [(reverse("newsroom:event-list"), _("Sự kiện")), (None, self.object.title)]
        context["structured_data"] = [structured_data.event(self.object, self.request)]
        return context


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The search page; a filter value that is not a choice answers 400 with the form's message."""
    form = SearchForm(request.GET)
    context = {"form": form, "results": None, "breadcrumbs": [(None, _("Tìm kiếm"))]}
    if not form.is_valid():
        return render(request, "newsroom/search.html", context, status=400)
    try:
        context["results"] = form.run(request.GET.get("page") or 1, page_size())
    except InvalidPage as error:
        raise Http404("Trang không tồn tại.") from error
    return render(request, "newsroom/search.html", context)


class SubmitView(FormView):
    """The public submission form: limited per address, then checked, then saved whole or not at all."""

    template_name = "newsroom/submit.html"
    form_class = SubmissionForm
    success_url = reverse_lazy("newsroom:submit-thanks")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        verdict = throttle.hit(
            request, "submit", settings.NEWSROOM_SUBMISSION_RATE_LIMIT, settings.NEWSROOM_SUBMISSION_RATE_WINDOW
        )
        if not verdict.allowed:
            return too_many_requests(request, verdict.retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: SubmissionForm) -> HttpResponse:
        if not form.is_bot():
            moderation.receive(form, self.request)
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(None, _("Gửi tin bài"))]
        return context


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The 429 page: what the limit is and how long to wait, also in Retry-After for software."""
    context = {
        "minutes": max(1, math.ceil(retry_after / 60)),
        "limit": settings.NEWSROOM_SUBMISSION_RATE_LIMIT,
        "window_minutes": settings.NEWSROOM_SUBMISSION_RATE_WINDOW // 60,
    }
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class SubmitThanksView(TemplateView):
    template_name = "newsroom/submit_thanks.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = [(reverse("newsroom:submit"), _("Gửi tin bài")), (None, _("Đã gửi"))]
        return context


def calendar_response(events: QuerySet, request: HttpRequest, name: str, filename: str) -> HttpResponse:
    response = HttpResponse(build_calendar(events, request, name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# How many past events /events.ics keeps besides those to come: at 100,000 articles it held all 2,500 (1 s to draw).
CALENDAR_PAST_EVENTS = 100


@require_GET
def events_calendar(request: HttpRequest) -> HttpResponse:
    events = published_events().for_calendar(CALENDAR_PAST_EVENTS).order_by("start_date", "pk")
    return calendar_response(events, request, gettext("Sự kiện hợp tác địa phương"), "su-kien.ics")


@require_GET
def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(published_events(), slug=slug)
    return calendar_response([event], request, event.title, f"{event.slug}.ics")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


CEILING_PAGE = (
    b"<!doctype html><html lang=vi><head><meta charset=utf-8><title>ceiling</title></head><body><p>"
    + b"x" * 1936
    + b"</p></body></html>\n"
)


@require_GET
def bench_ceiling(request: HttpRequest) -> HttpResponse:
    """A constant 2 KB page through the whole stack: the benchmark's ceiling. Off unless BENCH_CEILING=1."""
    if not settings.NEWSROOM_BENCH_CEILING:
        raise Http404
    return HttpResponse(CEILING_PAGE)


@require_GET
def bench_bare_list(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: what a bare Django view listing 20 rows with ``select_related`` reaches on
    the same server (the issue's reference). Off unless BENCH_CEILING=1."""
    if not settings.NEWSROOM_BENCH_CEILING:
        raise Http404
    articles = Article.objects.published().select_related("cover_image").order_by("-published_at")[:20]
    return render(request, "bench/bare_list.html", {"articles": articles})
