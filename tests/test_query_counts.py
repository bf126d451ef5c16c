"""Each public page runs the same number of queries whatever the number of items it lists, photos included."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.models import Image, Status

from .factories import (
    make_article,
    make_country,
    make_event,
    make_image,
    make_partner,
    make_partnership,
    make_province,
    make_topic,
    make_user,
)
from .photos import make_photo, picture_bytes, upload

pytestmark = pytest.mark.django_db

LARGE = 60


@pytest.fixture(autouse=True)
def large_pages(settings):
    """Pages large enough to hold every item, so that a per-item query would show."""
    settings.NEWSROOM_PAGE_SIZE = LARGE


class World:
    """A growing set of content, all tied to one current province, its merged unit, one country and one partner.

    It starts with at least one item of every list, so that "small" and "large" differ only in length.
    Every article, event and partner has its photos, with files unless ``photo`` makes them without.
    """

    def __init__(self, photo=make_photo) -> None:
        self.photo = photo
        self.korea = make_country("KR")
        self.unit = make_province("Hải Phòng")
        self.old_unit = make_province("Hải Dương", merged_into=self.unit)
        self.partner = make_partner("Suwon", country=self.korea, logo=photo())
        self.topic = make_topic("Hợp tác")
        self.event = make_event("Sự kiện chính", province=self.old_unit, country=self.korea, image=photo())
        self.event.partners.add(self.partner)
        self.article = self.add_articles(2)[0]
        make_partnership(self.old_unit, self.partner)

    def add_articles(self, count: int) -> list:
        articles = []
        for _ in range(count):
            article = make_article(
                provinces=[self.unit, self.old_unit],
                countries=[self.korea],
                partners=[self.partner],
                events=[self.event],
                topics=[self.topic],
                cover_image=self.photo(),
            )
            article.placements.create(image=self.photo(), position=1)
            articles.append(article)
        return articles

    def add_everything(self, count: int) -> None:
        self.add_articles(count)
        today = timezone.localdate()
        for number in range(count):
            province = make_province(merged_into=self.unit if number % 2 else None)
            partner = make_partner(country=self.korea, logo=self.photo())
            make_partnership(province, partner)
            make_partnership(self.unit, partner, kind="mou")
            upcoming, past = today + datetime.timedelta(days=number + 1), today - datetime.timedelta(days=number + 1)
            make_event(province=self.unit, country=self.korea, start_date=upcoming, image=self.photo())
            make_event(province=self.unit, country=self.korea, start_date=past, image=self.photo())
            past = make_event(country=self.korea, start_date=past, image=self.photo())
            past.partners.add(self.partner)


def paths(world: World) -> list[str]:
    return [
        "/",
        "/articles/",
        "/articles/?country=kr&province=hai-phong&topic=hop-tac",
        world.article.get_absolute_url(),
        "/provinces/",
        "/provinces/hai-phong/",
        "/provinces/hai-duong/",
        "/countries/",
        "/countries/kr/",
        "/partners/",
        "/partners/suwon/",
        "/partnerships/",
        "/events/",
        world.event.get_absolute_url(),
        "/search/?q=suwon&type=event",
        "/search/?q=hai+phong&province=hai-phong&country=kr&type=article",
    ]


def data_paths(world: World) -> list[str]:
    """Feeds, calendars, the sitemap, downloads and the API: everything read by software rather than people."""
    return [
        "/feeds/latest/",
        "/provinces/hai-phong/feed/",
        "/countries/kr/feed/",
        "/partners/suwon/feed/",
        "/events.ics",
        f"{world.event.get_absolute_url()}calendar.ics",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-partners.xml",
        "/articles/?format=csv",
        "/articles/?country=kr&province=hai-phong&topic=hop-tac&format=json",
        "/partnerships/?format=csv",
        "/partnerships/?country=kr&province=hai-phong&format=json",
        "/api/articles/",
        "/api/articles/?country=kr&province=hai-phong&topic=hop-tac",
        f"/api/articles/{world.article.slug}/",
        "/api/events/",
        "/api/events/?province=hai-phong",
        "/api/partners/",
        "/api/partners/?country=kr",
        "/api/partnerships/",
        "/api/partnerships/?province=hai-phong&kind=friendship",
    ]


def count_queries(client, path: str) -> int:
    """Queries made to answer, a streamed download included (its rows are read while it is sent)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    return len(captured)


def test_query_count_does_not_grow_with_items(client):
    world = World()
    small = {path: count_queries(client, path) for path in paths(world)}
    world.add_everything(LARGE)
    large = {path: count_queries(client, path) for path in paths(world)}
    assert large == small


def test_data_query_count_does_not_grow_with_items(client):
    world = World()
    small = {path: count_queries(client, path) for path in data_paths(world)}
    world.add_everything(LARGE)
    large = {path: count_queries(client, path) for path in data_paths(world)}
    assert large == small


def test_photo_files_add_no_query(client):
    world = World(photo=make_image)
    world.add_everything(5)
    without_files = {path: count_queries(client, path) for path in paths(world)}
    for image in Image.objects.all():
        image.file = upload(picture_bytes("JPEG"))
        image.save()
    assert {path: count_queries(client, path) for path in paths(world)} == without_files


@pytest.mark.parametrize(
    ("path_index", "budget"),
    list(enumerate([12, 13, 16, 12, 3, 9, 9, 4, 8, 2, 7, 4, 3, 5, 8, 10])),
)
def test_page_stays_within_its_query_budget(client, path_index, budget):
    world = World()
    world.add_everything(5)
    assert count_queries(client, paths(world)[path_index]) <= budget


def test_mixed_search_query_count_does_not_grow_with_items(client):
    """A page of all kinds skips fetching a kind that has no hit on the page, so it may only shrink."""
    world = World()
    small = count_queries(client, "/search/?q=suwon")
    world.add_everything(LARGE)
    assert count_queries(client, "/search/?q=suwon") <= small


GROWTH = 20  # enough for a per-item query to show in the previews' counts


def grow_draft(draft, world: World, count: int) -> None:
    """More tags, pictures and corrections on one draft, so that a per-item query in the preview would show."""
    for number in range(count):
        draft.provinces.add(make_province(merged_into=world.unit if number % 2 else None))
        draft.partners.add(make_partner(country=world.korea))
        draft.placements.create(image=make_image(), position=number + 2)
        draft.corrections.create(text=f"Đính chính {number}")


@pytest.mark.parametrize("role", ["Editors", "Administrators"])
def test_staff_preview_query_count_does_not_grow_with_items(client, roles, role):
    world = World()
    draft = make_article(status=Status.DRAFT, provinces=[world.unit], partners=[world.partner], events=[world.event])
    client.force_login(make_user(role))
    small = count_queries(client, draft.get_absolute_url())
    grow_draft(draft, world, GROWTH)
    world.add_everything(GROWTH)
    assert count_queries(client, draft.get_absolute_url()) == small


def test_staff_preview_costs_only_the_login_lookups_more_than_a_public_page(client, roles):
    world = World()
    anonymous = count_queries(client, world.article.get_absolute_url())
    world.article.status = Status.DRAFT
    world.article.save()
    client.force_login(make_user("Editors"))
    # The session, the user, and the user's own and group permissions.
    assert count_queries(client, world.article.get_absolute_url()) == anonymous + 4


def test_draft_event_preview_query_count_does_not_grow_with_items(client, roles):
    world = World()
    draft = make_event(status=Status.DRAFT)
    draft.partners.add(world.partner)
    make_article(events=[draft], provinces=[world.unit], countries=[world.korea])
    client.force_login(make_user("Editors"))
    small = count_queries(client, draft.get_absolute_url())
    for _ in range(GROWTH):
        draft.partners.add(make_partner(country=world.korea))
        make_article(events=[draft], provinces=[world.unit], countries=[world.korea])
    assert count_queries(client, draft.get_absolute_url()) == small


def test_a_keyword_filter_reads_the_names_it_matches_once(client):
    """Each facet's count filters by the keyword again; the places and partners it names are read only once."""
    world = World()
    world.add_everything(5)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/articles/?q=suwon").status_code == 200
    name_reads = [query for query in captured if 'FROM "newsroom_province" named' in query["sql"]]
    assert len(name_reads) == 1
