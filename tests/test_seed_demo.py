"""seed_demo fills the site with plainly synthetic content, and --clear takes it all away again."""

import io

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from newsroom.management.commands.seed_demo import DEMO_CREDIT, DEMO_TITLE, demo_rows
from newsroom.models import (
    Article,
    ArticleImage,
    ArticleTally,
    Event,
    Image,
    Partner,
    Partnership,
    Status,
    TallyHorizon,
    Topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("load_fixtures", verbosity=0)


def seed(count: int = 40) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--articles", str(count), stdout=out)
    return out.getvalue()


def snapshot() -> tuple[str, list]:
    """Every row of the newsroom app, serialised, in primary-key order; the stored tallies by value (a recount
    writes them anew, under new keys), and not the moment they were counted (their horizon)."""
    rows = []
    for model in apps.get_app_config("newsroom").get_models():
        if model not in (ArticleTally, TallyHorizon):
            rows.extend(model.objects.order_by("pk"))
    counts = list(ArticleTally.objects.order_by("facet", "key").values_list("facet", "key", "total"))
    return serializers.serialize("json", rows), counts


def test_adds_the_number_of_articles_asked_for(seeded):
    before = Article.objects.count()
    assert "40 synthetic articles added" in seed(40)
    assert Article.objects.count() == before + 40


def test_every_synthetic_article_says_so_in_its_title_and_source(seeded):
    seed()
    demo = Article.objects.filter(slug__startswith="demo-")
    assert demo.count() == 40
    assert all(article.title.startswith(DEMO_TITLE) for article in demo)
    assert all("không phải tin thật" in article.source_name for article in demo)
    assert not Article.objects.exclude(slug__startswith="demo-").filter(title__startswith=DEMO_TITLE).exists()


def test_synthetic_articles_have_places_and_partners_events_topics_and_photos(seeded):
    seed(200)
    demo = Article.objects.filter(slug__startswith="demo-")
    assert not demo.filter(provinces=None).exists()
    assert not demo.filter(countries=None).exists()
    assert not demo.filter(topics=None).exists()
    assert demo.filter(partners__slug__startswith="demo-").exists()
    assert demo.filter(events__slug__startswith="demo-").exists()
    assert demo.exclude(cover_image=None).count() > 150
    assert ArticleImage.objects.filter(article__in=demo).exists()
    assert Partnership.objects.filter(partner__slug__startswith="demo-").exists()


def test_most_synthetic_articles_are_public_and_some_are_scheduled_or_drafts(seeded):
    seed(400)
    demo = Article.objects.filter(slug__startswith="demo-")
    public = demo.published().count()
    assert 350 < public < 400
    assert demo.filter(status=Status.PUBLISHED).count() > public  # some scheduled for later
    assert demo.exclude(status=Status.PUBLISHED).exists()


def test_synthetic_photos_share_a_few_real_files_with_their_renditions(seeded, client):
    seed(50)
    photos = Image.objects.filter(credit=DEMO_CREDIT)
    assert photos.values("file").distinct().count() <= 6
    cover = Article.objects.filter(slug__startswith="demo-").exclude(cover_image=None).first().cover_image
    picture = cover.picture()
    assert picture is not None
    assert all(rendition.file.storage.exists(rendition.file.name) for rendition in picture.files)


def test_synthetic_article_pages_answer(seeded, client):
    seed(30)
    article = Article.objects.filter(slug__startswith="demo-").published().first()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert DEMO_TITLE in response.content.decode()
    assert client.get("/articles/").status_code == 200


def test_seeding_twice_adds_more(seeded):
    seed(20)
    seed(20)
    assert Article.objects.filter(slug__startswith="demo-").count() == 40


def test_clear_removes_every_synthetic_row(seeded):
    seed(60)
    call_command("seed_demo", "--clear", stdout=io.StringIO())
    assert all(not rows.exists() for rows in demo_rows().values())
    assert not Article.objects.filter(title__startswith=DEMO_TITLE).exists()
    assert not Event.objects.filter(title__startswith=DEMO_TITLE).exists()
    assert not Partner.objects.filter(name__startswith=DEMO_TITLE).exists()
    assert not Topic.objects.filter(name__startswith=DEMO_TITLE).exists()


def test_seed_then_clear_leaves_the_fixture_records_identical(seeded):
    before = snapshot()
    seed(80)
    call_command("seed_demo", "--clear", stdout=io.StringIO())
    assert snapshot() == before


def test_refuses_without_the_place_fixtures():
    with pytest.raises(CommandError, match="load_fixtures"):
        seed(5)


def test_refuses_a_count_below_one(seeded):
    with pytest.raises(CommandError, match="at least 1"):
        seed(0)
