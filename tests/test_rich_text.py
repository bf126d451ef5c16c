"""Rich text cleaned with nh3 on save and on output; hostile text in any field never runs on a page."""

import pytest
from django.urls import reverse

from newsroom import richtext
from newsroom.models import Article, Correction, Status

from .admin_forms import admin_form_data
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
from .xss import PAYLOADS, executable_parts


def test_news_markup_is_kept():
    fragment = (
        "<h2>Tiêu đề</h2><p>Đoạn <strong>đậm</strong> và <em>nghiêng</em>.</p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol><blockquote>trích</blockquote>"
        "<figure><blockquote>câu</blockquote><figcaption>người nói</figcaption></figure>"
    )
    assert richtext.clean(fragment) == fragment


def test_links_keep_their_address_and_title_and_cannot_reach_the_opening_page():
    cleaned = richtext.clean('<a href="https://busan.go.kr/" title="Busan" target="_blank">Busan</a>')
    assert cleaned == '<a href="https://busan.go.kr/" title="Busan" target="_blank" rel="noopener noreferrer">Busan</a>'


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "jav&#x09;ascript:alert(1)", "data:text/html,x", "vbscript:x"],
)
def test_script_urls_are_dropped_from_links(href):
    assert richtext.clean(f'<a href="{href}">x</a>') == '<a rel="noopener noreferrer">x</a>'


def test_other_link_targets_than_a_new_tab_are_dropped():
    assert richtext.clean('<a href="/x" target="_top">x</a>') == '<a href="/x" rel="noopener noreferrer">x</a>'


def test_plain_paragraphs_render_as_paragraphs():
    assert richtext.render("Một & hai.\n\nBa < bốn.") == "<p>Một &amp; hai.</p>\n<p>Ba &lt; bốn.</p>"


def test_plain_text_of_rich_text_has_no_markup():
    assert richtext.plain_text("<p>Busan &amp; <strong>Suwon</strong></p><script>x()</script>") == "Busan & Suwon"


def test_submitted_plain_text_shows_exactly_as_typed():
    typed = "Giá <b>100</b> & hơn"
    assert richtext.plain_text(richtext.clean(richtext.from_plain_text(typed))) == typed


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_model_save_cleans_its_rich_text_fields(payload):
    for instance in [make_article(), make_event(), make_partner()]:
        for field in instance.rich_text_fields:  # every language version
            setattr(instance, field, payload)
        instance.save()
        stored = type(instance).objects.get(pk=instance.pk)
        for field in instance.rich_text_fields:
            assert executable_parts(getattr(stored, field)) == [], field


@pytest.mark.django_db
def test_the_admin_form_cleans_the_body_on_save(admin_client):
    article = make_article(status=Status.DRAFT)
    change = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(admin_client.get(change))
    payload = '<p onclick="x()">Đoạn</p><script>alert(1)</script><a href="javascript:x()">liên kết</a>'
    data["body_vi"] = data["body_ko"] = payload
    assert admin_client.post(change, data).status_code == 302
    article.refresh_from_db()
    assert article.body_vi == '<p>Đoạn</p><a rel="noopener noreferrer">liên kết</a>'
    assert article.body_ko == '<p>Đoạn</p><a rel="noopener noreferrer">liên kết</a>'


@pytest.mark.django_db
def test_markup_that_bypassed_the_save_is_cleaned_on_output(client):
    article = make_article(body="Sạch.")
    Article.objects.filter(pk=article.pk).update(body="<img src=x onerror=alert(1)><p>Còn lại</p>")
    page = client.get(article.get_absolute_url()).text
    assert executable_parts(page) == []
    assert "<p>Còn lại</p>" in page


def hostile_world(payload: str) -> list[str]:
    """Every text field that reaches a public page holds the payload; returns the pages showing them."""
    korea = make_country("KR", name=payload[:100])
    province = make_province(name=f"Tỉnh {payload[:80]}")
    partner = make_partner(
        country=korea,
        description=payload,
        short_name=payload[:50],
        name_en=payload[:200],
        name_ko=payload[:200],
        slug="doi-tac-thu",
        name=payload[:200],
    )
    partner.logo = make_image(alt_text=payload[:300], caption=payload, credit=payload[:200])
    partner.save()
    make_partnership(province, partner, fields_of_cooperation=payload)
    cover = make_image(alt_text=payload[:300], caption=payload, credit=payload[:200])
    event = make_event(slug="su-kien-thu", title=payload[:300], venue=payload[:300], description=payload, image=cover)
    event.partners.add(partner)
    event.province = province
    event.country = korea
    event.save()
    topic = make_topic(f"Chủ đề {payload[:80]}")
    article = make_article(
        slug="bai-thu",
        title=payload[:300],
        lead=payload,
        body=payload,
        byline=payload[:200],
        attribution=payload[:200],
        source_name=payload[:200],
        cover_image=cover,
        provinces=[province],
        countries=[korea],
        partners=[partner],
        events=[event],
        topics=[topic],
    )
    article.placements.create(
        image=make_image(alt_text=payload[:300], caption=payload), position=1, caption_override=payload
    )
    Correction.objects.create(article=article, text=payload)
    return [
        "/",
        "/articles/",
        article.get_absolute_url(),
        "/events/",
        event.get_absolute_url(),
        "/partners/",
        partner.get_absolute_url(),
        "/partnerships/",
        province.get_absolute_url(),
        korea.get_absolute_url(),
        "/countries/",
        "/provinces/",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_every_field_never_runs_on_a_public_page(client, payload):
    for path in hostile_world(payload):
        response = client.get(path)
        assert response.status_code == 200, path
        assert executable_parts(response.text) == [], path


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_submission_never_runs_in_the_moderation_queue(client, roles, payload):
    client.force_login(make_user("Administrators"))
    submission = make_submission(
        title=payload[:200], text=payload, name=payload[:150], organisation=payload[:200], email="a@example.test"
    )
    for url in [
        reverse("admin:newsroom_submission_changelist"),
        reverse("admin:newsroom_submission_change", args=[submission.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_parts(response.text, allowed_tags=frozenset({"svg"})) == [], url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>x</script>"])
def test_a_script_url_stored_as_a_website_or_source_is_never_a_link(client, url):
    partner = make_partner(website=url)
    article = make_article(source_name="Báo thử", source_url=url)
    for path in [partner.get_absolute_url(), article.get_absolute_url()]:
        assert executable_parts(client.get(path).text) == [], path
