"""Photos on public pages (the {% picture %} tag and the {% figure %} tag): <picture>, srcset, sizes, credits."""

from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.template import Context, Template

from .factories import make_article, make_country, make_event, make_image, make_partner
from .photos import make_photo, open_stored

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """Every start tag of a page, in order, with its attributes."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.found if name == tag]


def page_tags(client, path: str) -> Tags:
    response = client.get(path)
    assert response.status_code == 200
    return Tags(response.content.decode())


def candidates(srcset: str) -> list[tuple[str, int]]:
    """(url, width) pairs of a srcset with width descriptors."""
    pairs = [candidate.strip().rsplit(" ", 1) for candidate in srcset.split(",")]
    return [(url, int(descriptor.removesuffix("w"))) for url, descriptor in pairs]


def stored(url: str):
    return open_stored(url.removeprefix("/media/"), default_storage)


def img_of(tags: Tags, image) -> dict:
    return next(attrs for attrs in tags.named("img") if attrs["alt"] == image.alt_text)


@pytest.fixture
def cover():
    return make_photo((2000, 1000), alt_text="Lãnh đạo hai địa phương ký biên bản ghi nhớ", credit="Ảnh: TTXVN")


@pytest.fixture
def article(cover):
    return make_article("Hải Dương và Suwon ký biên bản ghi nhớ", cover_image=cover)


def test_cover_offers_webp_widths_first(client, article):
    source = page_tags(client, article.get_absolute_url()).named("source")[0]
    assert source["type"] == "image/webp"
    assert [width for _, width in candidates(source["srcset"])] == [320, 640, 1024, 1600]


def test_every_srcset_candidate_is_a_stored_file_of_the_stated_width_and_format(client, article):
    tags = page_tags(client, article.get_absolute_url())
    for srcset, image_format in [(tags.named("source")[0]["srcset"], "WEBP"), (tags.named("img")[0]["srcset"], "JPEG")]:
        for url, width in candidates(srcset):
            picture = stored(url)
            assert (picture.format, picture.width) == (image_format, width)


def test_fallback_img_has_the_original_format_its_size_and_sizes(client, article, cover):
    img = img_of(page_tags(client, article.get_absolute_url()), cover)
    assert [width for _, width in candidates(img["srcset"])] == [320, 640, 1024, 1600]
    assert (img["width"], img["height"]) == ("1600", "800")
    assert stored(img["src"]).format == "JPEG"
    assert img["sizes"] == "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def test_cover_of_an_article_loads_first(client, article, cover):
    img = img_of(page_tags(client, article.get_absolute_url()), cover)
    assert img.get("fetchpriority") == "high"
    assert "loading" not in img


def test_gallery_photos_load_lazily_in_their_order_with_their_captions(client, article):
    second = make_photo((900, 600), alt_text="Ảnh thứ hai", caption="Chú thích gốc")
    first = make_photo((900, 600), alt_text="Ảnh thứ nhất", caption="Chú thích gốc")
    article.placements.create(image=second, position=2)
    article.placements.create(image=first, position=1, caption_override="Chú thích riêng cho bài này")
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    tags = Tags(page)
    alts = [attrs["alt"] for attrs in tags.named("img")]
    assert alts.index("Ảnh thứ nhất") < alts.index("Ảnh thứ hai")
    assert img_of(tags, first)["loading"] == "lazy"
    assert "Chú thích riêng cho bài này" in page


def test_caption_and_credit_are_shown_with_the_cover(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'Chú thích ảnh <span class="credit">(Ảnh: TTXVN)</span>' in page


def test_article_card_has_a_lazy_thumbnail_with_caption_and_credit(client, article, cover):
    response = client.get("/articles/")
    page = response.content.decode()
    img = img_of(Tags(page), cover)
    assert img["loading"] == "lazy"
    assert img["class"] == "card__image"
    assert img["sizes"] == "(min-width: 60rem) 23rem, (min-width: 35rem) 50vw, 100vw"
    assert "(Ảnh: TTXVN)" in page


def test_source_photo_without_file_shows_a_labelled_placeholder_not_a_picture(client):
    image = make_image(caption="Tổng Bí thư phát biểu tại buổi lễ", credit="ẢNH: TTXVN")
    article = make_article(cover_image=image)
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert "Ảnh không có sẵn: nguồn chỉ nêu chú thích." in page
    assert "Tổng Bí thư phát biểu tại buổi lễ" in page
    assert "ẢNH: TTXVN" in page
    assert Tags(page).named("picture") == []


def test_card_of_an_article_whose_photo_has_no_file_shows_no_picture(client):
    make_article(cover_image=make_image())
    assert page_tags(client, "/articles/").named("picture") == []


def test_webp_original_needs_no_source_element(client):
    photo = make_photo((700, 350), "WEBP")
    article = make_article(cover_image=photo)
    tags = page_tags(client, article.get_absolute_url())
    assert tags.named("source") == []
    assert all(stored(url).format == "WEBP" for url, _ in candidates(img_of(tags, photo)["srcset"]))


def test_event_page_shows_its_photo_with_credit(client):
    photo = make_photo((1200, 800), credit="Ảnh: Sở Ngoại vụ")
    event = make_event(image=photo)
    response = client.get(event.get_absolute_url())
    assert img_of(Tags(response.content.decode()), photo)["width"] == "1200"
    assert "(Ảnh: Sở Ngoại vụ)" in response.content.decode()


def test_event_list_shows_a_small_lazy_thumbnail_and_the_credit(client):
    photo = make_photo((1200, 800), credit="Ảnh: Sở Ngoại vụ")
    make_event(image=photo)
    page = client.get("/events/").content.decode()
    img = img_of(Tags(page), photo)
    assert (img["sizes"], img["loading"]) == ("5rem", "lazy")
    assert "Ảnh: Sở Ngoại vụ" in page


def test_partner_page_shows_the_logo(client):
    logo = make_photo((400, 400), "PNG", alt_text="Biểu trưng thành phố Suwon")
    partner = make_partner("Suwon", logo=logo)
    img = img_of(page_tags(client, partner.get_absolute_url()), logo)
    assert img["sizes"] == "16rem"


@pytest.mark.parametrize("path", ["/partners/", "/countries/kr/"])
def test_partner_lists_show_logos(client, path):
    logo = make_photo((400, 400), "PNG", alt_text="Biểu trưng thành phố Suwon", credit="Ảnh: Suwon")
    make_partner("Suwon", country=make_country("KR"), logo=logo)
    page = client.get(path).content.decode()
    assert img_of(Tags(page), logo)["sizes"] == "3rem"
    assert "Ảnh: Suwon" in page


def social_meta(client, path: str) -> dict[str, str | None]:
    return {attrs.get("property"): attrs.get("content") for attrs in page_tags(client, path).named("meta")}


def test_social_preview_shows_the_largest_rendition_in_a_format_every_crawler_reads(client, article, cover):
    metas = {
        attrs.get("property"): attrs.get("content")
        for attrs in page_tags(client, article.get_absolute_url()).named("meta")
    }
    url = metas["og:image"]
    assert url.startswith("http://testserver/media/renditions/")
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1600", "800")
    assert stored(url.removeprefix("http://testserver")).format == "JPEG"


def test_social_preview_leaves_a_photo_url_in_object_storage_as_it_is(rf):
    template = Template("{% load newsroom_tags %}{% absolute_url url %}")
    context = Context({"request": rf.get("/"), "url": "https://anh.example.test/media/a.jpg"})
    assert template.render(context) == "https://anh.example.test/media/a.jpg"


def test_event_page_offers_its_photo_to_social_previews(client):
    event = make_event(image=make_photo((1200, 800)))
    metas = {
        attrs.get("property"): attrs.get("content")
        for attrs in page_tags(client, event.get_absolute_url()).named("meta")
    }
    assert metas["og:image:width"] == "1200"
