"""A small site that exercises every public template, for the page-quality checks."""

import datetime

from django.utils import timezone

from .factories import (
    make_article,
    make_country,
    make_event,
    make_image,
    make_partner,
    make_partnership,
    make_province,
    make_topic,
)
from .photos import make_photo


def build_site() -> list[str]:
    """Create content touching every template and return the public paths to check."""
    korea = make_country("KR")
    unit = make_province("Hải Phòng", kind="municipality", full_name="Thành phố Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    partner = make_partner("Suwon", country=korea, name_en="Suwon", name_ko="수원시", short_name="SW")
    make_partnership(old, partner, established_year=2004)
    today = timezone.localdate()
    busan = make_partner("Busan", country=korea)
    # A round anniversary in the coming weeks (highlighted) and a lapsed relationship (marked).
    soon = today + datetime.timedelta(days=20)
    established = datetime.date(soon.year - 30, soon.month, min(soon.day, 28))
    make_partnership(unit, busan, kind="sister_city", established_on=established)
    make_partnership(old, busan, kind="mou", established_year=2010, status="inactive")
    past = make_event("Tiếp đoàn Suwon", province=old, country=korea, venue="tỉnh Hải Dương")
    past.partners.add(partner)
    upcoming = make_event(
        "Lễ hội sắp tới", province=unit, start_date=today + datetime.timedelta(days=30), start_time=datetime.time(9)
    )
    topic = make_topic("Hợp tác địa phương")
    article = make_article(
        "Hải Dương tiếp đoàn Suwon",
        provinces=[old],
        countries=[korea],
        partners=[partner],
        events=[past],
        topics=[topic],
        byline="Hạnh Trần (t/h)",
        attribution="theo TTXVN",
        source_name="Báo Thử",
        original_published_at=timezone.now() - datetime.timedelta(days=2),
        cover_image=make_image(caption="Phó Chủ tịch tiếp đoàn", credit="Ảnh: CTTĐT tỉnh Hải Dương"),
    )
    article.placements.create(image=make_image(caption="Ảnh thứ hai"), position=1)
    make_article("Hải Phòng hợp tác với Suwon", provinces=[unit], countries=[korea], partners=[partner])
    photo_story = make_article(
        "Suwon tặng ảnh triển lãm",
        provinces=[unit],
        countries=[korea],
        cover_image=make_photo((1700, 900), alt_text="Ảnh thử nghiệm màu đơn sắc", credit="Ảnh: Thử nghiệm"),
    )
    photo_story.placements.create(image=make_photo((900, 600), "PNG", alt_text="Ảnh thử nghiệm thứ hai"), position=1)
    upcoming.image = make_photo((1200, 800), alt_text="Ảnh thử nghiệm của sự kiện")
    upcoming.save()
    partner.logo = make_photo((300, 300), "PNG", alt_text="Biểu trưng thử nghiệm")
    partner.save()
    return [
        "/",
        "/articles/",
        "/articles/?country=kr&province=hai-phong",
        "/articles/?country=zz",
        article.get_absolute_url(),
        photo_story.get_absolute_url(),
        "/provinces/",
        "/provinces/hai-phong/",
        "/provinces/hai-duong/",
        "/countries/",
        "/countries/kr/",
        "/partners/",
        partner.get_absolute_url(),
        "/partnerships/",
        "/events/",
        past.get_absolute_url(),
        upcoming.get_absolute_url(),
        "/search/",
        "/search/?q=hai+duong",
        "/search/?q=suwon&type=partner",
        "/search/?q=%21%21%21",
        "/submit/",
        "/submit/thanks/",
        "/khong-co-trang-nay/",
        *translated_pages(article, past, partner),
    ]


def translated_pages(article, event, partner) -> list[str]:
    """The main pages in English and Korean; the article has a Korean version, the event an English one."""
    article.title_ko = "하이즈엉성, 수원시 대표단 접견"
    article.lead_ko, article.body_ko = "한국어 요약.", "한국어 본문."
    article.save()
    event.title_en, event.description_en = "Receiving the Suwon delegation", "The delegation visited."
    event.save()
    paths = [
        "/",
        "/articles/",
        article.get_absolute_url(),
        "/provinces/",
        "/provinces/hai-phong/",
        "/countries/kr/",
        partner.get_absolute_url(),
        "/partnerships/",
        "/events/",
        event.get_absolute_url(),
        "/submit/",
        "/khong-co-trang-nay/",
    ]
    return [f"/{language}{path}" for language in ("en", "ko") for path in paths]
