from django.urls import path, register_converter

from . import feeds, views


class CountryCodeConverter:
    """Two ASCII letters, in either case (the page redirects upper case): anything else is not a country."""

    regex = "[A-Za-z]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CountryCodeConverter, "iso2")

app_name = "newsroom"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("provinces/", views.ProvinceListView.as_view(), name="province-list"),
    path("provinces/<slug:slug>/", views.ProvinceDetailView.as_view(), name="province-detail"),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path("countries/<iso2:code>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("partners/", views.PartnerListView.as_view(), name="partner-list"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner-detail"),
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership-list"),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("search/", views.search, name="search"),
    path("submit/", views.SubmitView.as_view(), name="submit"),
    path("submit/thanks/", views.SubmitThanksView.as_view(), name="submit-thanks"),
    path("events.ics", views.events_calendar, name="events-calendar"),
    path("events/<slug:slug>/calendar.ics", views.event_calendar, name="event-calendar"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed-latest"),
    path("provinces/<slug:slug>/feed/", feeds.ProvinceFeed(), name="province-feed"),
    path("countries/<iso2:code>/feed/", feeds.CountryFeed(), name="country-feed"),
    path("partners/<slug:slug>/feed/", feeds.PartnerFeed(), name="partner-feed"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("bench/ceiling/", views.bench_ceiling, name="bench-ceiling"),
    path("bench/bare-list/", views.bench_bare_list, name="bench-bare-list"),
]
