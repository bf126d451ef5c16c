"""The permission matrix: anonymous visitor, editor, administrator and superuser against every admin page and
action that matters. Editors write, publish and archive; administrators also delete, moderate submissions
and manage accounts; only a superuser deletes submissions or touches superusers."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from newsroom.models import Article, Status, Submission

from .factories import (
    make_article,
    make_country,
    make_event,
    make_image,
    make_partner,
    make_partnership,
    make_province,
    make_submission,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "administrator", "superuser"]
LOGIN = 302  # the admin sends anonymous visitors to its login page


@pytest.fixture
def world(roles):
    korea = make_country()
    partner = make_partner("Suwon", country=korea)
    return {
        "article": make_article(status=Status.DRAFT),
        "event": make_event(),
        "partner": partner,
        "partnership": make_partnership(make_province(), partner),
        "image": make_image(),
        "topic": make_topic(),
        "province": make_province(),
        "country": korea,
        "submission": make_submission(),
        "user": make_user("Editors"),
        "superuser": make_user(superuser=True, username="goc"),
        "group": Group.objects.get(name="Editors"),
    }


def client_for(role: str) -> Client:
    client = Client()
    if role == "editor":
        client.force_login(make_user("Editors"))
    elif role == "administrator":
        client.force_login(make_user("Administrators"))
    elif role == "superuser":
        client.force_login(make_user(superuser=True))
    return client


def url(name: str, *objects) -> callable:
    return lambda world: reverse(f"admin:{name}", args=[world[key].pk for key in objects])


CONTENT = ["article", "event", "partner", "partnership"]
PAGES = [
    ("index", url("index"), (LOGIN, 200, 200, 200)),
    *[
        row
        for model in CONTENT
        for row in [
            (f"{model} list", url(f"newsroom_{model}_changelist"), (LOGIN, 200, 200, 200)),
            (f"{model} add", url(f"newsroom_{model}_add"), (LOGIN, 200, 200, 200)),
            (f"{model} change", url(f"newsroom_{model}_change", model), (LOGIN, 200, 200, 200)),
            (f"{model} history", url(f"newsroom_{model}_history", model), (LOGIN, 200, 200, 200)),
            (f"{model} delete", url(f"newsroom_{model}_delete", model), (LOGIN, 403, 200, 200)),
            (f"{model} recover list", url(f"newsroom_{model}_recoverlist"), (LOGIN, 200, 200, 200)),
        ]
    ],
    ("image add", url("newsroom_image_add"), (LOGIN, 200, 200, 200)),
    ("image delete", url("newsroom_image_delete", "image"), (LOGIN, 403, 200, 200)),
    ("topic add", url("newsroom_topic_add"), (LOGIN, 200, 200, 200)),
    ("province view", url("newsroom_province_change", "province"), (LOGIN, 200, 200, 200)),
    ("province add", url("newsroom_province_add"), (LOGIN, 403, 200, 200)),
    ("country add", url("newsroom_country_add"), (LOGIN, 403, 200, 200)),
    ("submission queue", url("newsroom_submission_changelist"), (LOGIN, 403, 200, 200)),
    ("submission page", url("newsroom_submission_change", "submission"), (LOGIN, 403, 200, 200)),
    ("submission add", url("newsroom_submission_add"), (LOGIN, 403, 403, 403)),
    ("submission delete", url("newsroom_submission_delete", "submission"), (LOGIN, 403, 403, 200)),
    ("user list", url("auth_user_changelist"), (LOGIN, 403, 200, 200)),
    ("user add", url("auth_user_add"), (LOGIN, 403, 200, 200)),
    ("editor account", url("auth_user_change", "user"), (LOGIN, 403, 200, 200)),
    ("editor password", url("auth_user_password_change", "user"), (LOGIN, 403, 200, 200)),
    ("superuser password", url("auth_user_password_change", "superuser"), (LOGIN, 403, 403, 200)),
    ("user delete", url("auth_user_delete", "user"), (LOGIN, 403, 403, 200)),
    ("group list", url("auth_group_changelist"), (LOGIN, 403, 200, 200)),
    ("group add", url("auth_group_add"), (LOGIN, 403, 403, 200)),
]


@pytest.fixture
def clients(world):
    return {role: client_for(role) for role in ROLES}


@pytest.mark.parametrize(("page", "build_url", "expected"), PAGES, ids=[row[0] for row in PAGES])
def test_who_may_open_admin_page(world, clients, page, build_url, expected):
    """One row of the matrix: the status each role gets, in the order of ROLES."""
    url = build_url(world)
    assert tuple(clients[role].get(url).status_code for role in ROLES) == expected


@pytest.mark.parametrize(("role", "allowed"), list(zip(ROLES, [False, True, True, True], strict=True)))
def test_publish_action(world, role, allowed):
    article = world["article"]
    client_for(role).post(
        reverse("admin:newsroom_article_changelist"), {"action": "publish", "_selected_action": [article.pk]}
    )
    assert (Article.objects.get(pk=article.pk).status == Status.PUBLISHED) is allowed


@pytest.mark.parametrize(("role", "allowed"), list(zip(ROLES, [False, False, True, True], strict=True)))
def test_delete_article(world, role, allowed):
    article = world["article"]
    client_for(role).post(reverse("admin:newsroom_article_delete", args=[article.pk]), {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists() is not allowed


@pytest.mark.parametrize("action", ["approve", "mark_spam", "reopen"])
@pytest.mark.parametrize(("role", "allowed"), list(zip(ROLES, [False, False, True, True], strict=True)))
def test_moderation_action(world, role, allowed, action):
    submission = world["submission"]
    if action == "reopen":
        Submission.objects.filter(pk=submission.pk).update(status=Submission.State.SPAM)
    before = Submission.objects.get(pk=submission.pk).status
    client_for(role).post(
        reverse("admin:newsroom_submission_changelist"), {"action": action, "_selected_action": [submission.pk]}
    )
    assert (Submission.objects.get(pk=submission.pk).status != before) is allowed


@pytest.mark.parametrize(("role", "allowed"), list(zip(ROLES, [False, False, False, True], strict=True)))
def test_changing_a_superuser_account(world, role, allowed):
    target = world["superuser"]
    client = client_for(role)
    url = reverse("admin:auth_user_change", args=[target.pk])
    client.post(url, {"username": "da-doi", "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00"})
    assert (User.objects.get(pk=target.pk).username == "da-doi") is allowed


def test_administrator_cannot_make_anyone_a_superuser(world):
    target = world["user"]
    client = client_for("administrator")
    url = reverse("admin:auth_user_change", args=[target.pk])
    data = {
        "username": target.username,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [world["group"].pk],
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    assert client.post(url, data).status_code == 302
    assert not User.objects.get(pk=target.pk).is_superuser


def test_administrator_can_give_an_account_the_editor_role(world):
    target = make_user(is_staff=False)
    client = client_for("administrator")
    data = {
        "username": target.username,
        "is_active": "on",
        "is_staff": "on",
        "groups": [world["group"].pk],
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    assert client.post(reverse("admin:auth_user_change", args=[target.pk]), data).status_code == 302
    target.refresh_from_db()
    assert target.is_staff and list(target.groups.values_list("name", flat=True)) == ["Editors"]


@pytest.mark.parametrize(("role", "status"), list(zip(ROLES, [404, 200, 200, 200], strict=True)))
def test_preview_of_a_draft_at_its_public_address(world, role, status):
    assert client_for(role).get(world["article"].get_absolute_url()).status_code == status
