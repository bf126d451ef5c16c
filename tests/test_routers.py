"""An optional read replica: public reads go to it, writes and migrations to the primary."""

import json
import os
import subprocess
import sys

import pytest
from django.utils.connection import ConnectionDoesNotExist

from newsroom.models import Article
from newsroom.reads import places_of, read_page_relations
from newsroom.routers import PrimaryReplicaRouter

from .factories import make_article

router = PrimaryReplicaRouter()


def test_reads_go_to_the_replica():
    assert router.db_for_read(Article) == "replica"


def test_reads_about_an_instance_stay_on_its_database():
    article = Article()
    article._state.db = "default"
    assert router.db_for_read(Article, instance=article) == "default"


@pytest.mark.django_db
def test_card_places_are_read_from_the_database_the_articles_came_from():
    article = make_article()
    assert places_of([article]) == {article.pk: []}
    article._state.db = "replica"  # no replica in the tests: reading there must fail, not fall back to the primary
    with pytest.raises(ConnectionDoesNotExist):
        places_of([article])


@pytest.mark.django_db
def test_article_page_relations_are_read_from_the_database_the_article_came_from():
    article = make_article()
    read_page_relations(article)
    assert list(article.provinces.all()) == []
    article._state.db = "replica"
    with pytest.raises(ConnectionDoesNotExist):
        read_page_relations(article)


def test_writes_go_to_the_primary():
    assert router.db_for_write(Article) == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "newsroom")
    assert not router.allow_migrate("replica", "newsroom")


def databases_under(environment: dict[str, str]) -> dict:
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'aliases': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS}))"
    )
    inherited = {name: value for name, value in os.environ.items() if name != "DATABASE_REPLICA_URL"}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "1", **environment}
    output = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def test_no_replica_unless_configured():
    assert databases_under({}) == {"aliases": ["default"], "routers": []}


def test_replica_url_adds_the_replica_and_the_router():
    loaded = databases_under({"DATABASE_REPLICA_URL": "postgres://postgres@replica.example.test:5432/newsroom"})
    assert loaded == {"aliases": ["default", "replica"], "routers": ["newsroom.routers.PrimaryReplicaRouter"]}
