"""Hostile input never breaks a page: property-based requests to every public URL and to the submission form.

Every generated value carries MARK, so a value found verbatim on a page (with its < or ") is a reflection the
templates failed to escape. Examples per test come from the Hypothesis profile (tests/conftest.py).
"""

import re
import string
from urllib.parse import quote, urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import given, settings
from hypothesis import strategies as st

from .pages import build_site
from .xss import PAYLOADS

MARK = "Zq9"
EXAMPLES = settings().max_examples  # from the profile; cheap requests get more, form posts fewer
CHECKED_TYPES = ("text/html", "application/rss+xml", "application/xml", "text/xml", "text/calendar")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def public_routes() -> list[str]:
    """Every route of the URLconf outside the admin, as a template with {name} for each parameter."""

    def walk(patterns: list, prefix: str) -> list[str]:
        routes = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    routes += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name and "format" not in str(pattern.pattern):
                routes.append(prefix + str(pattern.pattern))
        return routes

    cleaned = [
        "/" + PARAMETER.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", route).replace("^", "").replace("$", "")
        for route in walk(get_resolver().url_patterns, "")
    ]
    return sorted(set(cleaned))


ROUTES = public_routes()
FIXED_ROUTES = [route for route in ROUTES if "{" not in route]
PARAMETER_ROUTES = [route for route in ROUTES if "{" in route]

hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=string.printable, max_size=60),
    st.sampled_from(PAYLOADS),
    st.sampled_from(["-1", "0", "99999999999999999999", "1e309", "NaN", "2025-02-30", "9999-12-31", "%00", "../../"]),
    st.builds(lambda a, b: a + b, st.sampled_from(PAYLOADS), st.text(max_size=20)),
)
marked = hostile_text.map(lambda text: MARK + text)
FILTER_NAMES = ["province", "country", "partner", "topic", "year", "date_after", "date_before", "q", "page", "format"]
query_key = st.one_of(st.sampled_from(FILTER_NAMES), st.text(max_size=12))
latin1 = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=80)
HEADERS = [
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REAL_IP",
    "HTTP_COOKIE",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_RANGE",
    "HTTP_ACCEPT",
    "HTTP_ORIGIN",
    "HTTP_HOST",
]


def assert_answered(response, values: list[str]) -> None:
    """No server error, and no submitted value on the page unescaped."""
    assert response.status_code < 500, response.status_code
    if not response.get("Content-Type", "").startswith(CHECKED_TYPES) or response.streaming:
        return
    body = response.content.decode(errors="replace")
    for value in values:
        if MARK in value and ("<" in value or '"' in value):
            assert value not in body, f"reflected unescaped: {value!r}"


@pytest.fixture
def site(db, settings):
    """Content for every kind of page; the real slugs, codes and keys of it fill the routes' parameters."""
    settings.NEWSROOM_SUBMISSION_RATE_LIMIT = 1_000_000
    settings.NEWSROOM_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    from newsroom.models import Article, Event, Partner, Partnership, Province

    build_site()
    return {
        "slug": [
            *Article.objects.values_list("slug", flat=True),
            *Event.objects.values_list("slug", flat=True),
            *Partner.objects.values_list("slug", flat=True),
            *Province.objects.values_list("slug", flat=True)[:5],
        ],
        "code": ["kr", "KR", "zz", "vn"],
        "pk": [str(pk) for pk in Partnership.objects.values_list("pk", flat=True)],
    }


def own_marks(values: list[str]) -> list[str]:
    """Each marked value with a mark of its own ("Zq9" → "Zq9_0_", "Zq9_1_"…): otherwise an innocent "Zq9" shown
    in an attribute (value="Zq9") reads as another field's "Zq9\"" reflected unescaped."""
    return [value.replace(MARK, f"{MARK}_{number}_", 1) for number, value in enumerate(values)]


def fill(route: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route)


@given(data=st.data())
def test_hostile_query_strings_on_every_public_url(site, data):
    route = data.draw(st.sampled_from(ROUTES))
    path = fill(
        route, {name: data.draw(st.sampled_from(site.get(name) or ["x"])) for name in re.findall(r"\{(\w+)\}", route)}
    )
    drawn = data.draw(st.lists(st.tuples(query_key, marked), max_size=6))
    pairs = list(zip([key for key, _ in drawn], own_marks([value for _, value in drawn]), strict=True))
    response = Client().get(path, QUERY_STRING=urlencode(pairs))
    assert_answered(response, [value for _, value in pairs])


@given(data=st.data(), raw=st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=255), max_size=80))
def test_raw_undecodable_query_strings_on_every_public_url(site, data, raw):
    route = data.draw(st.sampled_from(ROUTES))
    path = fill(
        route, {name: data.draw(st.sampled_from(site.get(name) or ["x"])) for name in re.findall(r"\{(\w+)\}", route)}
    )
    assert_answered(Client().get(path, QUERY_STRING=raw), [])


@settings(max_examples=EXAMPLES * 2)
@given(route=st.sampled_from(PARAMETER_ROUTES), segment=marked)
def test_hostile_path_segments_in_every_route(site, route, segment):
    path = fill(route, {name: quote(segment, safe="") for name in re.findall(r"\{(\w+)\}", route)})
    assert_answered(Client().get(path), [segment])


@settings(max_examples=EXAMPLES * 2)
@given(segments=st.lists(hostile_text, min_size=1, max_size=4))
def test_hostile_paths_anywhere(site, segments):
    assert_answered(Client().get("/" + "/".join(quote(segment, safe="") for segment in segments)), [])


@given(data=st.data(), headers=st.dictionaries(st.sampled_from(HEADERS), latin1, max_size=5))
def test_hostile_headers_on_every_fixed_url(site, data, headers):
    route = data.draw(st.sampled_from(FIXED_ROUTES))
    response = Client().get(route, **headers)
    assert_answered(response, list(headers.values()))


SUBMISSION_FIELDS = ["name", "email", "organisation", "kind", "title", "text", "province", "country", "event_date"]


@settings(max_examples=EXAMPLES * 2 // 3)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            **{name: marked for name in SUBMISSION_FIELDS},
            "kind": st.one_of(st.sampled_from(["news", "event"]), marked),
            "email": st.one_of(st.emails().map(lambda e: e[:100]), marked),
            "consent": st.sampled_from(["on", "", MARK + "<x>"]),
            "website": st.sampled_from(["", "http://spam.example/"]),
            "event_date": st.one_of(st.dates().map(str), marked),
        },
    ),
    extra=st.dictionaries(st.text(min_size=1, max_size=10), marked, max_size=3),
    upload=st.one_of(st.none(), st.binary(max_size=512)),
)
def test_hostile_submission_forms(site, fields, extra, upload):
    data = {**extra, **fields}
    data = dict(zip(data, own_marks(list(data.values())), strict=True))
    if upload is not None:
        data["images"] = SimpleUploadedFile("anh<x>.jpg", upload, content_type="image/jpeg")
    response = Client().post("/submit/", data)
    assert_answered(response, [value for value in data.values() if isinstance(value, str)])


@settings(max_examples=EXAMPLES // 3)
@given(
    body=st.binary(max_size=300),
    content_type=st.one_of(
        st.sampled_from(["application/json", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain"]),
        latin1,
    ),
)
def test_raw_bodies_posted_to_the_submission_form(site, body, content_type):
    assert_answered(Client().post("/submit/", body, content_type=content_type), [])


@settings(max_examples=EXAMPLES // 3)
@given(username=marked, password=hostile_text, address=latin1)
def test_hostile_admin_sign_in_attempts(site, username, password, address):
    from django.conf import settings as django_settings

    response = Client().post(
        f"/{django_settings.ADMIN_PATH}login/",
        {"username": username, "password": password},
        HTTP_X_REAL_IP=address,
    )
    assert_answered(response, [username])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/%2F%5B", "/%0D/%5B", "/%0A/%5B", "/%09/%5B"])
def test_a_path_that_reads_as_a_host_is_a_plain_404(client, path):
    """Found by Hypothesis: "/\r/[" lost its line break when made absolute and read as the host "["."""
    assert client.get(path).status_code == 404
