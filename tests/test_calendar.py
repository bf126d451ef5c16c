"""iCalendar output parses, and days and hours keep their time zones."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from newsroom import views
from newsroom.models import Status

from .factories import make_country, make_event, make_province

pytestmark = pytest.mark.django_db


def parse(client, path: str) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_calendar_lists_published_events_only(client):
    make_event("Lễ ra mắt", start_date=datetime.date(2025, 8, 13))
    make_event("Sự kiện nháp", status=Status.DRAFT)
    calendar = parse(client, "/events.ics")
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Lễ ra mắt"]


def test_calendar_keeps_every_event_to_come_and_only_the_latest_past_ones(client, monkeypatch):
    monkeypatch.setattr(views, "CALENDAR_PAST_EVENTS", 2)
    today = timezone.localdate()
    for title, days_ago in [("Cũ nhất", 300), ("Cũ", 200), ("Mới qua", 100)]:
        make_event(title, start_date=today - datetime.timedelta(days=days_ago))
    make_event("Sắp tới", start_date=today + datetime.timedelta(days=10))
    make_event(
        "Đang diễn ra", start_date=today - datetime.timedelta(days=400), end_date=today + datetime.timedelta(days=5)
    )
    titles = [str(event["SUMMARY"]) for event in parse(client, "/events.ics").walk("VEVENT")]
    assert titles == ["Đang diễn ra", "Cũ", "Mới qua", "Sắp tới"]


def test_day_without_an_hour_is_an_all_day_event(client):
    event = make_event("Lễ ra mắt", start_date=datetime.date(2025, 8, 13))
    [component] = parse(client, f"/events/{event.slug}/calendar.ics").walk("VEVENT")
    assert component.decoded("DTSTART") == datetime.date(2025, 8, 13)
    assert component.decoded("DTEND") == datetime.date(2025, 8, 14)


def test_event_abroad_keeps_its_own_time_zone(client):
    event = make_event(
        "Hội thảo tại Busan",
        start_date=datetime.date(2025, 8, 13),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(12, 0),
        timezone="Asia/Seoul",
        venue="Busan",
        country=make_country("KR"),
    )
    calendar = parse(client, f"/events/{event.slug}/calendar.ics")
    [component] = calendar.walk("VEVENT")
    start = component.decoded("DTSTART")
    assert start == datetime.datetime(2025, 8, 13, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert start.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).hour == 8
    assert component.decoded("DTEND") == datetime.datetime(2025, 8, 13, 12, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert str(component["LOCATION"]) == "Busan, Hàn Quốc"


def test_event_in_vietnam_is_located_in_its_province(client):
    event = make_event("Tọa đàm", province=make_province("Quảng Trị"), country=make_country("KR"))
    [component] = parse(client, f"/events/{event.slug}/calendar.ics").walk("VEVENT")
    assert str(component["LOCATION"]) == "Tỉnh Quảng Trị"


def test_event_abroad_without_a_venue_is_located_in_its_country(client):
    event = make_event("Hội chợ", country=make_country("KR"))
    [component] = parse(client, f"/events/{event.slug}/calendar.ics").walk("VEVENT")
    assert str(component["LOCATION"]) == "Hàn Quốc"


def test_every_event_has_a_stable_uid_and_url(client):
    event = make_event("Lễ ra mắt")
    [component] = parse(client, "/events.ics").walk("VEVENT")
    assert str(component["UID"]) == f"event-{event.pk}@testserver"
    assert str(component["URL"]) == f"http://testserver{event.get_absolute_url()}"


def test_calendar_of_a_draft_event_is_not_found(client):
    event = make_event("Sự kiện nháp", status=Status.DRAFT)
    assert client.get(f"/events/{event.slug}/calendar.ics").status_code == 404


def test_calendar_query_count_does_not_grow_with_events(client, django_assert_max_num_queries):
    korea, province = make_country("KR"), make_province()
    for number in range(40):
        make_event(f"Sự kiện {number}", country=korea, province=province)
    with django_assert_max_num_queries(2):
        assert len(parse(client, "/events.ics").walk("VEVENT")) == 40


def test_hour_in_vietnam_comes_with_its_time_zone_definition(client):
    event = make_event("Tọa đàm", start_time=datetime.time(9, 0))
    calendar = parse(client, f"/events/{event.slug}/calendar.ics")
    [component] = calendar.walk("VEVENT")
    assert component["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert component.decoded("DTSTART") == datetime.datetime(2025, 8, 13, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]


def test_calendar_defines_every_zone_its_events_use(client):
    make_event("Tọa đàm", start_time=datetime.time(9, 0))
    make_event("Hội thảo tại Busan", start_time=datetime.time(10, 0), timezone="Asia/Seoul")
    calendar = parse(client, "/events.ics")
    assert sorted(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")) == ["Asia/Ho_Chi_Minh", "Asia/Seoul"]


def test_calendar_follows_rfc_5545_required_properties_and_lines(client):
    make_event("Lễ ra mắt " + "rất dài " * 20, description="Mô tả có dấu, đủ dài để phải gập dòng. " * 5)
    make_event("Tọa đàm", start_time=datetime.time(9, 0))
    response = client.get("/events.ics")
    lines = response.content.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    calendar = icalendar.Calendar.from_ical(response.content)
    for component in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(component)
        assert component["DTSTAMP"].to_ical().endswith(b"Z")


def test_uid_stays_the_same_when_the_event_is_edited(client):
    event = make_event("Lễ ra mắt")
    [before] = parse(client, "/events.ics").walk("VEVENT")
    event.title = "Lễ ra mắt (cập nhật)"
    event.start_date = datetime.date(2025, 8, 14)
    event.save()
    [after] = parse(client, "/events.ics").walk("VEVENT")
    assert str(after["SUMMARY"]) == "Lễ ra mắt (cập nhật)"
    assert str(after["UID"]) == str(before["UID"])


def test_event_pages_link_their_calendars(client):
    event = make_event("Lễ ra mắt")
    listing = client.get("/events/").content.decode()
    assert (
        '<link rel="alternate" type="text/calendar" title="Sự kiện hợp tác địa phương" href="/events.ics">' in listing
    )
    assert (
        f'href="/events/{event.slug}/calendar.ics" type="text/calendar"'
        in client.get(event.get_absolute_url()).content.decode()
    )
